"""Uploaded files: judged by content, cleaned of metadata, stored under random names.

Every capability that accepts files (disclosure attachments, complaint
evidence) goes through ``store_upload``; nothing else writes to UPLOAD_DIR.
The name a user gave a file is kept only as data (``original_name``).
"""
import hashlib
import io
import os
import re
import secrets
import unicodedata
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps
from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import UTCDateTime, utcnow
from portal.core.errors import PortalError
from portal.core.media_audio import AUDIO_ALIASES, AUDIO_EXTENSIONS, clean_audio, sniff_audio
from portal.core.pdf_clean import PdfRefused
from portal.core.pdf_clean import rewrite as rewrite_pdf


class StoredFileColumns:
    """What a table of uploads records for each file: its random name on disk and what it came as."""

    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

# A pixel budget per picture, checked from the header before any decoding: a 12-megapixel phone
# photo fits, a few kilobytes that would unpack into gigabytes (or minutes of work) do not.
MAX_PIXELS = 16_000_000
# Pillow itself refuses anything far beyond the budget, wherever an image is opened.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
DEFAULT_ALLOWED = ("image/jpeg", "image/png", "application/pdf")
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf", **AUDIO_EXTENSIONS}
_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
# Extensions a name may carry for each type; a name claiming another type is refused as disguised.
ALIASES = {"image/jpeg": ("jpg", "jpeg", "jpe", "jfif"), "image/png": ("png",), "application/pdf": ("pdf",),
           **AUDIO_ALIASES}
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,5})$")
_STORED_NAME = re.compile(r"[0-9a-f]{32}\.(?:jpg|png|pdf|amr|m4a|mp3)")
MAX_NAME = 255


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    original_name: str
    mime_type: str
    size: int
    sha256: str


def sniff(data: bytes) -> str | None:
    """Return the MIME type the file's first bytes announce, or None."""
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    return sniff_audio(data)


def normalise_name(name: str | None, mime_type: str | None = None) -> str:
    """Return a displayable file name: no folders, control or direction characters; Chinese kept."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = re.split(r"[/\\]", text)[-1]
    # Cc: control characters; Cf: bidi overrides, zero-width and other invisible format marks.
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co"))
    text = re.sub(r"\s+", " ", text).strip().strip(".").strip()
    if not text:
        text = "file" + EXTENSIONS.get(mime_type or "", "")
    if len(text) > MAX_NAME:
        stem, dot, ext = text.rpartition(".")
        ext = ext if dot and len(ext) <= 10 else ""
        text = (stem if ext else text)[: MAX_NAME - len(ext) - 1].rstrip() + ("." + ext if ext else "")
    return text


def _refuse(message, field: str) -> PortalError:
    return PortalError(message, field=field)


def _read_limited(file_storage, limit: int) -> bytes:
    """Read at most limit + 1 bytes so an oversized upload is noticed without reading it all."""
    stream = file_storage.stream
    try:
        stream.seek(0)
    except (AttributeError, OSError):
        pass
    return stream.read(limit + 1)


def pixel_budget() -> int:
    """Return the largest picture accepted, in pixels (``UPLOAD_MAX_PIXELS`` overrides)."""
    return int(current_app.config.get("UPLOAD_MAX_PIXELS", MAX_PIXELS))


def _too_large(field: str) -> PortalError:
    return _refuse(_l("The picture is too large (more than %(mp)s megapixels). Please send a smaller photo "
                      "or a screenshot.", mp=round(pixel_budget() / 1_000_000)), field)


def _clean_image(data: bytes, mime: str, field: str) -> bytes:
    """Re-encode an image without EXIF/GPS or text chunks, keeping its visible orientation.

    ``Image.open`` reads the header only; the size is checked against the
    pixel budget before ``load()`` decodes anything.
    """
    unreadable = _refuse(_l("The picture could not be read. Please send a JPEG or PNG photo."), field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > pixel_budget():
                raise _too_large(field)
            if image.format != {"image/jpeg": "JPEG", "image/png": "PNG"}[mime]:
                raise unreadable
            image.load()
            icc = image.info.get("icc_profile")
            try:
                image = ImageOps.exif_transpose(image)
            except Exception:  # a broken orientation tag must not block the upload
                pass
            # Drop every carried-over chunk (EXIF, XMP, comments, text); keep only what drawing needs.
            image.info = {k: v for k, v in image.info.items() if k == "transparency"}
            out = io.BytesIO()
            if mime == "image/jpeg":
                if image.mode not in ("RGB", "L", "CMYK"):
                    image = image.convert("RGB")
                image.save(out, "JPEG", quality=90, optimize=True, icc_profile=icc)
            else:
                image.save(out, "PNG", compress_level=6, icc_profile=icc)
    except PortalError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large(field) from exc
    except Exception as exc:  # Pillow raises many kinds on malformed files
        raise unreadable from exc
    return out.getvalue()


def _clean_pdf(data: bytes, field: str) -> bytes:
    """Rewrite a PDF without scripts, actions, embedded files or metadata; refuse what cannot be rewritten."""
    try:
        return rewrite_pdf(data)
    except PdfRefused as exc:
        raise _refuse(_l("This PDF could not be checked and cleaned (it may be damaged, protected by a "
                         "password or carry content that cannot be removed). Please print it to a new PDF "
                         "or scan it."), field) from exc


def upload_dir() -> Path:
    """Return the folder uploads live in, creating it when missing."""
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True, mode=0o750)
    return path


def _write(data: bytes, extension: str, field: str = "file") -> str:
    """Write data under a fresh random name atomically; return the name.

    Written to a temporary name, fsynced, then renamed: a crash never leaves a half file
    under a real name. When the disk is full or the folder is not writable, the temporary
    file is removed and the user gets a clear message (nothing is half-stored).
    """
    stored_name = secrets.token_hex(16) + extension
    temporary = None
    try:
        folder = upload_dir()
        temporary = folder / f".{stored_name}.part"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, folder / stored_name)
    except OSError as exc:
        if temporary is not None:
            try:
                temporary.unlink()
            except OSError:
                pass
        current_app.logger.error("upload not stored (%s): %s", current_app.config["UPLOAD_DIR"], exc)
        raise _refuse(_l("The file could not be saved on the server right now (storage is full or unavailable). "
                         "Nothing was sent. Please try again later."), field) from exc
    return stored_name


def store_upload(file_storage, *, allowed=DEFAULT_ALLOWED, max_bytes: int | None = None,
                 field: str | None = None) -> StoredFile:
    """Check, clean and store one uploaded file; raise PortalError(field=…) when refused.

    The type is judged by the file's bytes, never by its name; images lose
    their EXIF/GPS data; the stored name is random.
    """
    field = field or getattr(file_storage, "name", None) or "file"
    limit = max_bytes or current_app.config.get("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
    if file_storage is None or not getattr(file_storage, "filename", None):
        raise _refuse(_l("Choose a file to upload."), field)
    data = _read_limited(file_storage, limit)
    if not data:
        raise _refuse(_l("The file %(name)s is empty.", name=normalise_name(file_storage.filename)), field)
    if len(data) > limit:
        raise _refuse(_l("The file is larger than %(limit)s MB.", limit=round(limit / 2**20, 1)), field)
    mime = sniff(data)
    if mime is None or mime not in allowed:
        kinds = ", ".join(EXTENSIONS[m].lstrip(".").upper() for m in allowed if m in EXTENSIONS)
        raise _refuse(_l("%(name)s is not an accepted file. Accepted: %(kinds)s.",
                         name=normalise_name(file_storage.filename), kinds=kinds), field)
    claimed = _EXTENSION.search(normalise_name(file_storage.filename))
    if claimed and claimed.group(1).lower() not in ALIASES[mime]:
        raise _refuse(_l("%(name)s is named like a .%(ext)s file but is really a %(kind)s file. "
                         "Please send the file as it is.", name=normalise_name(file_storage.filename),
                         ext=claimed.group(1).lower(), kind=EXTENSIONS[mime].lstrip(".").upper()), field)
    if mime.startswith("image/"):
        data = _clean_image(data, mime, field)
    elif mime.startswith("audio/"):
        try:
            data = clean_audio(data, mime)
        except ValueError:
            raise _refuse(_l("%(name)s is damaged or is not the kind of recording it claims to be.",
                             name=normalise_name(file_storage.filename)), field) from None
    else:
        data = _clean_pdf(data, field)
    stored_name = _write(data, EXTENSIONS[mime], field)
    return StoredFile(stored_name=stored_name, original_name=normalise_name(file_storage.filename, mime),
                      mime_type=mime, size=len(data), sha256=hashlib.sha256(data).hexdigest())


def _path(stored_name: str) -> Path:
    if not _STORED_NAME.fullmatch(stored_name or ""):
        raise FileNotFoundError(stored_name)
    return upload_dir() / stored_name


def open_upload(stored_name: str):
    """Open a stored file for reading; FileNotFoundError for unknown or malformed names."""
    return open(_path(stored_name), "rb")


def remove_upload(stored_name: str) -> None:
    """Delete a stored file (when the record that pointed to it was not saved)."""
    try:
        _path(stored_name).unlink()
    except FileNotFoundError:
        pass


# The file is a document, not a page: nothing in it may run, load or frame anything.
FILE_CSP = "default-src 'none'; sandbox"


def content_disposition(kind: str, name: str, mime_type: str) -> str:
    """Build a Content-Disposition header carrying the original (Chinese) name per RFC 5987/6266."""
    ascii_name = "".join(c for c in name if c.isascii() and (c.isalnum() or c in "._-"))
    if not ascii_name or ascii_name.startswith("."):
        ascii_name = "file" + EXTENSIONS.get(mime_type, "")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
