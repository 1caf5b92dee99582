"""The /api/v1 blueprint; route modules attach to it. Open data may be read from any web page."""
from flask import Blueprint, request
from flask_babel import gettext as _

from portal.core.errors import json_error

bp = Blueprint("api", __name__, url_prefix="/api/v1")
PRIVATE_PREFIX = "/api/v1/complaints"


class BadRequest(Exception):
    """The request names fields that are wrong; answered 400 with messages per field."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


@bp.errorhandler(BadRequest)
def _bad_request(exc: BadRequest):
    return json_error(400, _("The request could not be understood."), exc.errors)


@bp.after_request
def _cors(response):
    """Let any web page read the open data; never the complaint endpoints."""
    if request.method in ("GET", "HEAD") and not request.path.startswith(PRIVATE_PREFIX):
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response
