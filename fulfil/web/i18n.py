"""Which language a page is in: the user's choice, else the browser's."""

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
    return request.accept_languages.best_match(languages)
