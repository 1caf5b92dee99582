"""Signed checkpoints of every village's chain head, so a rollback or a recomputed chain can be proven.

The chain alone proves that its revisions fit together; someone with database
access could still drop the newest revisions or recompute every hash. A
checkpoint is an Ed25519 signature over the list of all chain heads at one
moment. Anyone who saved one (a resident, a journalist, the county archive)
can later run ``flask --app portal verify --checkpoint FILE``: every village
must still hold, at the checkpoint's length, the very revision whose hash was
signed.

The signing key comes from ``PORTAL_CHECKPOINT_KEY`` (a PEM private key, or
the base64 of the 32 raw bytes); without it one is generated once into the
instance folder (mode 0600). The public key is published with every checkpoint.
"""
import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app
from sqlalchemy import select

from portal.core.db import utcnow
from portal.extensions import db
from portal.places.models import County, Village
from portal.records.chain import _utc_text
from portal.records.models import PublishedRevision, RecordCheckpoint

FORMAT = "yangguang-cunwu-checkpoint/1"
KEY_FILE = "checkpoint_ed25519.pem"


class CheckpointError(Exception):
    """A checkpoint file that cannot be read or whose signature does not hold."""


# ---- the key ---------------------------------------------------------------------------------

def _load_key_text(text: str) -> Ed25519PrivateKey:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise CheckpointError("PORTAL_CHECKPOINT_KEY is not an Ed25519 key")
        return key
    raw = base64.b64decode(text, validate=True)
    if len(raw) != 32:
        raise CheckpointError("PORTAL_CHECKPOINT_KEY must be 32 bytes in base64, or a PEM key")
    return Ed25519PrivateKey.from_private_bytes(raw)


def signing_key(create: bool = True) -> Ed25519PrivateKey | None:
    """The portal's signing key: from the environment, or the instance folder (made when missing and create)."""
    configured = current_app.config.get("PORTAL_CHECKPOINT_KEY") or os.environ.get("PORTAL_CHECKPOINT_KEY")
    if configured:
        return _load_key_text(configured)
    path = Path(current_app.instance_path) / KEY_FILE
    if path.exists():
        return _load_key_text(path.read_text())
    if not create:
        return None
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return key


def public_key_b64(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()


def public_key_pem(b64: str) -> str:
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(b64))
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


# ---- making one ------------------------------------------------------------------------------

def heads() -> list[dict]:
    """Every village's chain length and head, by code."""
    return [{"village": v.code, "length": v.chain_length or 0, "head": v.chain_head}
            for v in db.session.scalars(select(Village).order_by(Village.code))]


def canonical(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def create() -> RecordCheckpoint:
    """Sign the current chain heads of the county and keep the checkpoint (call inside a write transaction)."""
    key = signing_key()
    public = public_key_b64(key.public_key())
    now = utcnow().replace(microsecond=0)
    counties = list(db.session.scalars(select(County.code).order_by(County.code)))
    body = canonical({"format": FORMAT, "counties": counties, "created_at": _utc_text(now),
                      "public_key": public, "villages": heads()})
    signature = base64.b64encode(key.sign(body.encode())).decode()
    checkpoint = RecordCheckpoint(created_at=now, body=body, signature=signature, public_key=public)
    db.session.add(checkpoint)
    db.session.flush()
    return checkpoint


def as_file(checkpoint: RecordCheckpoint) -> str:
    """The downloadable file: the exact signed text, its signature and the key that made it."""
    return json.dumps({"body": checkpoint.body, "signature": checkpoint.signature,
                       "public_key": checkpoint.public_key}, ensure_ascii=False, indent=1) + "\n"


def latest(limit: int, offset: int = 0) -> list[RecordCheckpoint]:
    return list(db.session.scalars(select(RecordCheckpoint).order_by(RecordCheckpoint.id.desc())
                                   .offset(offset).limit(limit)))


def summary(checkpoint: RecordCheckpoint) -> dict:
    body = json.loads(checkpoint.body)
    return {"villages": len(body.get("villages") or []),
            "revisions": sum(int(v.get("length") or 0) for v in body.get("villages") or [])}


# ---- checking the database against one -----------------------------------------------------------

@dataclass
class CheckpointProblem:
    village_code: str
    problem: str

    def __str__(self) -> str:
        return f"village {self.village_code}: {self.problem}"


def read_file(text: str) -> tuple[dict, str]:
    """Check a checkpoint file's signature; return its body and the public key that signed it."""
    try:
        data = json.loads(text)
        body_text, signature, public = data["body"], data["signature"], data["public_key"]
        body = json.loads(body_text)
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public, validate=True))
        key.verify(base64.b64decode(signature, validate=True), body_text.encode())
    except InvalidSignature:
        raise CheckpointError("the signature does not match the checkpoint: the file was altered") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(f"not a checkpoint file ({exc.__class__.__name__})") from None
    if body.get("format") != FORMAT or body.get("public_key") != public:
        raise CheckpointError("not a checkpoint file of this portal's format")
    return body, public


def own_public_key() -> str | None:
    key = signing_key(create=False)
    return public_key_b64(key.public_key()) if key else None


def check_against(body: dict) -> list[CheckpointProblem]:
    """Every village whose chain no longer holds, at the checkpoint's length, the revision that was signed."""
    problems = []
    villages = {v.code: v for v in db.session.scalars(select(Village))}
    for entry in body.get("villages") or []:
        code, length, head = entry.get("village"), int(entry.get("length") or 0), entry.get("head")
        village = villages.get(code)
        if village is None:
            problems.append(CheckpointProblem(code, "is in the checkpoint but gone from the database"))
            continue
        if length == 0:
            continue
        current = village.chain_length or 0
        if current < length:
            problems.append(CheckpointProblem(code, f"ROLLED BACK: the checkpoint of {body.get('created_at')} saw "
                                                    f"{length} revisions, the database now holds {current}"))
            continue
        row = db.session.scalar(select(PublishedRevision).where(PublishedRevision.village_id == village.id,
                                                                PublishedRevision.chain_seq == length))
        if row is None or row.hash != head:
            problems.append(CheckpointProblem(code, f"REWRITTEN: revision #{length} had hash {head} at the "
                                                    f"checkpoint of {body.get('created_at')}, the database now says "
                                                    f"{row.hash if row else 'nothing'}"))
    return problems

