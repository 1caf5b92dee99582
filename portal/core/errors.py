"""Domain errors and error pages: HTML for people, JSON under /api."""
import logging

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from marshmallow import Schema, fields
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class Errors(dict):
    """Messages per field: {field: [message, …]}; the field "" is the form as a whole."""

    def add(self, field: str | None, message) -> None:
        self.setdefault(field or "", []).append(message)

    def plain(self) -> dict[str, list[str]]:
        """Return the messages as plain strings in the current language."""
        return {field: [str(m) for m in messages] for field, messages in self.items()}


class PortalError(Exception):
    """A business rule refused the action; nothing was changed and the messages are shown to the user.

    The one error type of every service: raise it with one message (and the field it
    belongs to, if any) or with ``errors``, messages for several fields. ``message`` and
    ``field`` hold the first. HTML forms put it on the form with
    ``portal.core.forms.show_errors``, the API answers ``errors`` per field, the CLI prints it.
    """

    def __init__(self, message=None, field: str | None = None, *, errors: dict | None = None):
        if errors:
            errors = Errors(errors)
            field, messages = next(iter(errors.items()))
            message, field = messages[0], field or None
        else:
            errors = Errors({field or "": [message]})
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.errors = errors



def wants_json() -> bool:
    """Tell whether the caller expects JSON (the API) rather than a page."""
    return request.path.startswith("/api/")


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        403: _("You are not allowed to see this page."),
        404: _("We could not find that page. The code or link may be wrong."),
        405: _("That action is not possible here."),
        413: _("The upload is too large. Please send smaller files."),
        429: _("Too many attempts. Please wait a little and try again."),
        500: _("Something went wrong on our side. Please try again later."),
        409: _("Someone else changed this at the same moment. Nothing of yours was saved; "
               "please reload the page and try again."),
        503: _("The service is briefly unavailable. Nothing you sent was saved; please try again in a minute."),
    }


RETRY_AFTER_SECONDS = 30


def database_unavailable(exc: BaseException) -> bool:
    """Tell whether an exception means the database cannot be reached or did not answer in time."""
    if isinstance(exc, (OperationalError, PoolTimeout)):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


class ErrorEnvelope(Schema):
    """The one JSON shape of every error under /api (also the OpenAPI document's `Error`)."""

    error = fields.String(required=True, metadata={"description": "What went wrong, in the caller's language"})
    status = fields.Integer(required=True, metadata={"description": "The HTTP status code"})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "Messages per field, when fields were wrong"})


def json_error(code: int, message: str | None = None, errors: dict[str, list[str]] | None = None):
    """Answer an API error in the one envelope: {error, status[, errors]}."""
    body = {"error": str(message or _messages().get(code) or _messages()[500]), "status": code}
    if errors:
        body["errors"] = errors
    response = jsonify(ErrorEnvelope().dump(body))
    response.status_code = code
    return response


def render_error(code: int, message: str | None = None):
    """Answer an error in the caller's form (page or JSON) and language."""
    return _render(code, message)


def _render(code: int, message: str | None = None):
    message = message or _messages().get(code) or _messages()[500]
    if wants_json():
        return json_error(code, message)
    return render_template("errors/error.html", code=code, message=message), code


def _unavailable():
    """503 with Retry-After; renders without touching the database (no signed-in user lookup)."""
    message = _messages()[503]
    if wants_json():
        response = json_error(503, message)
    else:
        response = make_response(render_template("errors/error.html", code=503, message=message, unavailable=True))
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def register_error_handlers(app: Flask) -> None:
    """Answer every error with a page (or JSON) in the user's language."""

    @app.errorhandler(CSRFError)
    def _csrf(_exc):
        return _render(400, _("The form expired. Please go back, reload the page and try again."))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        code = exc.code or 500
        return _render(code if code in _messages() else code, None if code in _messages() else exc.description)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if database_unavailable(exc):
            from portal.extensions import db

            try:
                db.session.rollback()
            except Exception:  # the connection is gone; the pool replaces it (pool_pre_ping)
                pass
            log.warning("database unavailable on %s %s: %s", request.method, request.path,
                        str(exc).splitlines()[0][:200])
            return _unavailable()
        if isinstance(exc, IntegrityError):
            # Two requests raced for the same unique row; the loser changed nothing.
            from portal.extensions import db

            db.session.rollback()
            log.warning("conflict on %s %s: %s", request.method, request.path, str(exc.orig).splitlines()[0][:200])
            return _render(409)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _render(500)
