"""Serve disclosure attachments safely: never as HTML, never before publication."""
from flask import Blueprint, abort, send_file
from flask_login import current_user
from sqlalchemy import select

from portal.core.http import conditional
from portal.core.permissions import can_read_attachment, require
from portal.core.storage import FILE_CSP, content_disposition, open_upload
from portal.disclosures.drafting import published_file_ids
from portal.disclosures.models import Attachment, Disclosure
from portal.extensions import db

bp = Blueprint("files", __name__)

ONE_YEAR = 365 * 24 * 3600


def is_published(attachment: Attachment) -> bool:
    """Tell whether a published revision of the attachment's disclosure lists the file."""
    return attachment.id in published_file_ids(attachment.disclosure_id)


@bp.get("/files/<stored_name>")
@conditional
def file_show(stored_name: str):
    attachment = db.session.scalar(select(Attachment).where(Attachment.stored_name == stored_name))
    if attachment is None or attachment.disclosure_id is None:
        abort(404)
    disclosure = db.session.get(Disclosure, attachment.disclosure_id)
    if disclosure is None:
        abort(404)
    published = is_published(attachment)
    require(can_read_attachment(current_user, attachment, disclosure.village, published), not_found=True)
    try:
        handle = open_upload(attachment.stored_name)
    except FileNotFoundError:
        abort(404)
    response = send_file(handle, mimetype=attachment.mime_type, conditional=True, etag=attachment.sha256,
                         max_age=ONE_YEAR if published else None)
    kind = "inline" if attachment.mime_type.startswith("image/") else "attachment"
    response.headers["Content-Disposition"] = content_disposition(kind, attachment.original_name,
                                                                  attachment.mime_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CSP
    # Published files never change (a correction adds new files); drafts must not linger in caches.
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable" if published else "private, no-store"
    return response
