"""Error pages: a clear message in the user's language, never a stack trace.

An error page cannot fail in turn: when the full page cannot be drawn (the database
is what broke, so the menu and the user cannot be loaded), the message goes out in a
bare page that needs neither; when even the user's language needs the database,
the message is in the language of the device (its choice, or the browser's).
"""

from contextlib import nullcontext

from flask import Flask, current_app, render_template, request, session
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from fulfil.api import problems
from fulfil.errors import FulfilError
from fulfil.extensions import db
from fulfil.web.htmx import wants_fragment

MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Please log in."),
    403: _l("Your role does not give access to this page."),
    404: _l("This page does not exist."),
    405: _l("This action is not available here."),
    413: _l("The upload is too large."),
    429: _l("Too many attempts. Wait a minute, then try again."),
    500: _l("Something went wrong on our side. Nothing was changed; try again."),
}
CSRF_MESSAGE = _l(
    "The form was missing its security token or it has expired. "
    "Reload the page and try again."
)
BARE_PAGE = """<!doctype html>
<html lang="{language}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{status} · Fulfil</title><link rel="stylesheet" href="/static/css/app.css">
</head><body><main id="main">{section}</main></body></html>"""


def render_error(status: int, message):
    fragment = wants_fragment()
    try:
        get_locale()  # the user's language is read from the user's row
        language = nullcontext()
    except Exception:
        _forget_the_transaction()
        language = force_locale(_browser_language())
    with language:
        message = str(message)
        try:
            template = "errors/_error.html" if fragment else "errors/error.html"
            body = render_template(template, status=status, message=message)
        except Exception:
            current_app.logger.exception("The error page could not be drawn")
            _forget_the_transaction()
            body = _bare(status, message, fragment)
    return body, status, {"Vary": "HX-Request"}


def _browser_language() -> str:
    """The language chosen on this device, or the browser's: what is left to go by
    when the user's own choice cannot be read."""
    languages = current_app.config["LANGUAGES"]
    try:
        chosen = session.get("language")
    except Exception:
        chosen = None
    if chosen in languages:
        return chosen
    best = request.accept_languages.best_match(languages)
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def _bare(status: int, message: str, fragment: bool) -> str:
    try:  # without the context processors: they load the user
        template = current_app.jinja_env.get_template("errors/_error.html")
        section = template.render(status=status, message=message)
    except Exception:
        section = (
            f'<section id="error" class="card error"><h1>{status}</h1>'
            f'<p class="refusal" role="alert">{escape(message)}</p>'
            '<a class="button" href="/">Fulfil</a></section>'
        )
    if fragment:
        return section
    language = str(get_locale() or "en")  # settled by render_error: no query
    return BARE_PAGE.format(language=language, status=status, section=section)


def _forget_the_transaction() -> None:
    """A failed statement leaves the transaction unusable (PostgreSQL refuses every
    further one): end it, so that what the page still needs can be read."""
    try:
        db.session.rollback()
    except Exception:
        current_app.logger.exception("Rolling back after an error failed")


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, CSRF_MESSAGE)

    @app.errorhandler(FulfilError)
    def refused(error: FulfilError):
        return render_error(error.status, error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if request.path.startswith("/api/"):  # no route matched: still problem+json
            return problems.from_http(error)
        # not `MESSAGES.get(...) or ...`: testing a lazy text translates it already
        message = MESSAGES[error.code] if error.code in MESSAGES else error.description
        return render_error(error.code or 500, message)

    @app.errorhandler(500)
    def server_error(error):
        _forget_the_transaction()  # the database may be what broke
        if request.path.startswith("/api/"):
            return problems.problem(500, "Something went wrong on our side.")
        return render_error(500, MESSAGES[500])
