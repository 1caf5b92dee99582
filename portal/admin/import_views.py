"""The admin page to load a county from one table: check first (a dry run), then import."""
import base64
import binascii

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin.blueprint import bp
from portal.admin.places_import import import_places
from portal.disclosures.table_files import MAX_BYTES


@bp.route("/places/import", methods=["GET", "POST"])
def places_import():
    """Upload a CSV or XLSX table; "check" shows what would change, "import" applies it (all rows or none)."""
    if request.method == "GET":
        return render_template("admin/places_import.html", report=None, payload=None, filename=None)
    upload = request.files.get("upload")
    if upload is not None and upload.filename:
        data, filename = upload.stream.read(MAX_BYTES + 1), upload.filename[:200]
    else:  # the file checked a moment ago, carried by the page
        try:
            data = base64.b64decode(request.form.get("payload", ""), validate=True)
        except (binascii.Error, ValueError):
            data = b""
        filename = (request.form.get("filename") or "import.csv")[:200]
    if not data:
        return render_template("admin/places_import.html", report=None, payload=None, filename=None,
                               missing=_("Choose the CSV or XLSX file to import.")), 400
    apply = request.form.get("action") == "import"
    report = import_places(data, filename, apply=apply, actor=current_user)
    payload = base64.b64encode(data).decode("ascii") if report.ok and not report.applied else None
    status = 200 if report.ok else 400
    return render_template("admin/places_import.html", report=report, payload=payload, filename=filename), status
