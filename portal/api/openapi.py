"""GET /api/v1/openapi.json: the document that `spec.document()` builds from the described views."""
from flask import current_app, jsonify

from portal.api.blueprint import bp
from portal.api.spec import document
from portal.core.http import conditional


@bp.get("/openapi.json")
@conditional
def openapi_document():
    # Built once per app: it follows from the code alone, so every node serves the same document.
    built = current_app.extensions.get("portal_openapi")
    if built is None:
        built = current_app.extensions["portal_openapi"] = document()
    return jsonify(built)
