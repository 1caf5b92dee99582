"""Short-lived things a resident's visit needs kept on the server: a receipt until it is saved, a form half done.

The browser's session holds only a random key; the value lives, encrypted with the
portal's key, in a database row named by the key's hash, so every app server finds it
and nothing depends on one machine's disk. Nothing here goes into a URL or a log.
The job runner sweeps expired holds (and the uploads a forgotten draft pointed to)
every pass; a read never returns an expired hold even before it is swept.
"""
import hashlib
import json
import secrets
from datetime import timedelta

from flask import session
from sqlalchemy import delete, select

from portal.complaints.models import VisitHold
from portal.core.crypto import decrypt_text, encrypt_text
from portal.core.db import utcnow, write_transaction
from portal.core.storage import remove_upload
from portal.extensions import db

RECEIPT_SECONDS = 4 * 3600  # "the rest of the visit"
DRAFT_SECONDS = 2 * 3600
KEY_LENGTH = 43  # secrets.token_urlsafe(32)
SWEEP_BATCH = 500  # per pass: the next pass takes the rest


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _key(slot: str) -> str | None:
    key = session.get(slot)
    return key if isinstance(key, str) and len(key) == KEY_LENGTH else None


def put(slot: str, value: dict, seconds: int, files: tuple[str, ...] | list[str] = ()) -> None:
    """Keep value for this browser's visit under slot (replacing what was there).

    files names the stored uploads the value points to: deleted with it when it expires.
    """
    key = _key(slot) or secrets.token_urlsafe(32)
    payload = encrypt_text(json.dumps(value, ensure_ascii=False))
    with write_transaction():
        row = db.session.get(VisitHold, _hash(key))
        if row is None:
            row = VisitHold(key_hash=_hash(key))
            db.session.add(row)
        row.payload, row.files = payload, " ".join(files)
        row.expires_at = utcnow() + timedelta(seconds=seconds)
    session[slot] = key


def get(slot: str) -> dict | None:
    """Return what this browser keeps under slot, or None when nothing is kept or it expired."""
    key = _key(slot)
    if key is None:
        return None
    row = db.session.scalar(select(VisitHold).where(VisitHold.key_hash == _hash(key),
                                                    VisitHold.expires_at > utcnow()))
    if row is None:
        return None
    try:
        return json.loads(decrypt_text(row.payload))
    except ValueError:  # written under another key (rotated): as good as gone
        return None


def drop(slot: str) -> dict | None:
    """Forget what this browser keeps under slot; return it (for cleaning up what it pointed to)."""
    value = get(slot)
    key = session.pop(slot, None)
    if isinstance(key, str):
        with write_transaction():
            db.session.execute(delete(VisitHold).where(VisitHold.key_hash == _hash(key)))
    return value


def sweep() -> int:
    """Delete expired holds and the uploads of drafts nobody finished; return how many went.

    Safe when two runners sweep at once: each deletes by key, a file already gone is no error.
    """
    with write_transaction():
        rows = db.session.execute(select(VisitHold.key_hash, VisitHold.files)
                                  .where(VisitHold.expires_at <= utcnow()).limit(SWEEP_BATCH)).all()
        if rows:
            db.session.execute(delete(VisitHold).where(VisitHold.key_hash.in_([r.key_hash for r in rows])))
    # Files only after the rows are gone: a crash in between leaves an orphan file, never a hold
    # pointing at a missing one.
    for row in rows:
        for name in row.files.split():
            remove_upload(name)
    return len(rows)
