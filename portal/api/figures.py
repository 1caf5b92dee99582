"""Open data (JSON) for the public figures and the disclosure search: the same services as the pages."""
from flask import jsonify, request
from flask_babel import gettext as _

from portal.api.blueprint import bp
from portal.core.timezone import local_today
from portal.oversight.figures import as_json, chosen_township, public_figures


def _bad(name: str, message: str):
    return jsonify({"error": _("The request could not be understood."), "status": 400,
                    "errors": {name: [message]}}), 400


@bp.get("/statistics")
def statistics():
    township, error = chosen_township(request.args.get("township"))
    if error:
        return _bad("township", _("There is no such township."))
    return jsonify(as_json(public_figures(local_today(), township)))
