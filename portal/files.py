"""Serve disclosure attachments safely: never as HTML, never before publication."""
from urllib.parse import quote

from flask import Blueprint, abort, send_file
from flask_login import current_user
from sqlalchemy import select

from portal.disclosures.drafting import published_file_ids
from portal.disclosures.models import Attachment, Disclosure
from portal.extensions import db
from portal.permissions import can_read_attachment, require
from portal.uploads import EXTENSIONS, open_upload

bp = Blueprint("files", __name__)

# The file is a document, not a page: nothing in it may run, load or frame anything.
FILE_CSP = "default-src 'none'; sandbox"
ONE_YEAR = 365 * 24 * 3600


def is_published(attachment: Attachment) -> bool:
    """Tell whether a published revision of the attachment's disclosure lists the file."""
    return attachment.id in published_file_ids(attachment.disclosure_id)


def content_disposition(kind: str, name: str, mime_type: str) -> str:
    """Build a Content-Disposition header carrying the original (Chinese) name per RFC 5987/6266."""
    ascii_name = "".join(c for c in name if c.isascii() and (c.isalnum() or c in "._-"))
    if not ascii_name or ascii_name.startswith("."):
        ascii_name = "file" + EXTENSIONS.get(mime_type, "")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


@bp.get("/files/<stored_name>")
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
