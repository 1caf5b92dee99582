"""Short-lived things a resident's visit needs kept on the server: a receipt until it is saved, a form half done.

The browser's session holds only a random key; the value lives, encrypted with
the portal's key, in a file named by the key's hash in HOLD_DIR (by default
beside the upload folder, on the same shared storage, so every node finds it).
Nothing here goes into a URL or a log.
Expired holds are swept whenever a new one is written.
"""
import hashlib
import json
import os
import secrets
import time
from pathlib import Path

from flask import current_app, session

from portal.core.crypto import decrypt_text, encrypt_text

RECEIPT_SECONDS = 4 * 3600  # "the rest of the visit"
DRAFT_SECONDS = 2 * 3600


def _folder() -> Path:
    uploads = Path(current_app.config["UPLOAD_DIR"])
    path = Path(current_app.config.get("HOLD_DIR") or uploads.with_name(uploads.name + "-holds"))
    path.mkdir(parents=True, exist_ok=True, mode=0o750)
    return path


def _file(key: str) -> Path:
    return _folder() / hashlib.sha256(key.encode()).hexdigest()


def _sweep(on_expire=None) -> None:
    now = time.time()
    for path in _folder().iterdir():
        try:
            if path.stat().st_mtime < now - max(RECEIPT_SECONDS, DRAFT_SECONDS):
                if on_expire is not None:
                    on_expire(path)
                path.unlink()
        except OSError:
            pass  # another node swept it first


def put(slot: str, value: dict, seconds: int, on_expire=None) -> None:
    """Keep value for this browser's visit under slot (replacing what was there)."""
    key = session.get(slot)
    if not isinstance(key, str) or len(key) != 43:
        key = secrets.token_urlsafe(32)
    payload = encrypt_text(json.dumps({"until": time.time() + seconds, "value": value}, ensure_ascii=False))
    path = _file(key)
    temporary = path.with_suffix(".part")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(payload)
    os.replace(temporary, path)
    session[slot] = key
    _sweep(on_expire)


def get(slot: str) -> dict | None:
    """Return what this browser keeps under slot, or None when nothing is kept or it expired."""
    key = session.get(slot)
    if not isinstance(key, str):
        return None
    try:
        data = json.loads(decrypt_text(_file(key).read_text(encoding="ascii")))
    except (OSError, ValueError):
        return None
    if data.get("until", 0) < time.time():
        return None
    return data.get("value")


def drop(slot: str) -> dict | None:
    """Forget what this browser keeps under slot; return it (for cleaning up what it pointed to)."""
    value = get(slot)
    key = session.pop(slot, None)
    if isinstance(key, str):
        try:
            _file(key).unlink()
        except OSError:
            pass
    return value


def read_expired(path: Path) -> dict | None:
    """Read an expired hold before it is swept (to delete the files it points to)."""
    try:
        return json.loads(decrypt_text(path.read_text(encoding="ascii"))).get("value")
    except (OSError, ValueError):
        return None
