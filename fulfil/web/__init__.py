"""Pages: one blueprint per kind of user, plus login, language and health."""
