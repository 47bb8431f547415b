"""Which language and time zone a page is in: the user's choice and warehouse, else
the browser's language and UTC."""

from flask import current_app, has_request_context, request, session
from flask_login import current_user


def select_locale() -> str | None:
    if not has_request_context():  # CLI and background work: the default
        return None
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.language:
        return current_user.language
    if session.get("language") in languages:
        return session["language"]
    # A browser's "en-US" means English; US formats are a choice in the menu.
    return request.accept_languages.best_match([x for x in languages if "_" not in x])


def select_timezone() -> str | None:
    """The zone of the warehouse the user works in; pages without a user (tracking,
    supplier) pass their order's zone to the filters themselves."""
    if not has_request_context() or not current_user.is_authenticated:
        return None
    return getattr(current_user, "warehouse_timezone", None)
