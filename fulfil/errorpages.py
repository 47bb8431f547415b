"""Error pages: a clear message in the user's language, never a stack trace."""

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from fulfil.api import problems
from fulfil.errors import FulfilError
from fulfil.web.htmx import wants_fragment


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("Please log in."),
        403: _("Your role does not give access to this page."),
        404: _("This page does not exist."),
        405: _("This action is not available here."),
        413: _("The upload is too large."),
        429: _("Too many attempts. Wait a minute, then try again."),
        500: _("Something went wrong on our side. Nothing was changed; try again."),
    }


def render_error(status: int, message: str):
    template = "errors/_error.html" if wants_fragment() else "errors/error.html"
    response = render_template(template, status=status, message=message)
    return response, status, {"Vary": "HX-Request"}


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400,
            _(
                "The form was missing its security token or it has expired. "
                "Reload the page and try again."
            ),
        )

    @app.errorhandler(FulfilError)
    def refused(error: FulfilError):
        return render_error(error.status, str(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if request.path.startswith("/api/"):  # no route matched: still problem+json
            return problems.from_http(error)
        message = _messages().get(error.code) or error.description
        return render_error(error.code or 500, message)

    @app.errorhandler(500)
    def server_error(error):
        if request.path.startswith("/api/"):
            return problems.problem(500, "Something went wrong on our side.")
        return render_error(500, _messages()[500])
