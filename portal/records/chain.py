"""Tamper-evident chain of published revisions, one chain per village."""
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import select

from portal.core import shapes
from portal.core.db import utcnow
from portal.extensions import db
from portal.places.models import Village
from portal.records.models import PublishedRevision

GENESIS = "0" * 64


def _utc_text(moment) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def canonical_bytes(revision: PublishedRevision) -> bytes:
    """Serialise what a revision says, in a stable form, for hashing."""
    payload = {
        "village": revision.village.code if revision.village else None,
        "subject_type": revision.subject_type,
        "subject_id": revision.subject_id,
        "number": revision.number,
        "title": revision.title,
        "content": revision.content,
        "reason": revision.reason,
        "published_at": _utc_text(revision.published_at),
        "chain_seq": revision.chain_seq,
        "prev_hash": revision.prev_hash,
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def compute_hash(revision: PublishedRevision) -> str:
    """Hash a revision's canonical content together with the previous link."""
    return hashlib.sha256(canonical_bytes(revision)).hexdigest()


def lock_chain(village: Village) -> None:
    """Hold the village's row until commit and re-read its chain head.

    Two cadres publishing at the same moment (PostgreSQL, READ COMMITTED) would both
    link to the same head; the second now waits for the first and links to its revision,
    so the chain stays linear. (SQLite writers are already one at a time.)
    """
    db.session.execute(select(Village.id).where(Village.id == village.id).with_for_update())
    db.session.refresh(village, ["chain_length", "chain_head", "content_version"])


def append(village: Village, *, subject_type: str, subject_id: int, number: int, title: str,
           content: dict, shape, reason: str | None, user_id: int | None) -> PublishedRevision:
    """Append a revision to the village's chain (call inside a write transaction).

    ``shape`` is the declared shape of the content (a TypedDict, portal/core/shapes.py): content that
    does not have it is refused with ShapeError before anything is written.
    """
    shapes.check(content, shape, subject_type)
    lock_chain(village)
    revision = PublishedRevision(
        village=village,
        village_id=village.id,
        subject_type=subject_type,
        subject_id=subject_id,
        number=number,
        title=title,
        content=content,
        reason=reason,
        published_at=utcnow().replace(microsecond=0),
        published_by_id=user_id,
        chain_seq=village.chain_length + 1,
        prev_hash=village.chain_head or GENESIS,
    )
    revision.hash = compute_hash(revision)
    db.session.add(revision)
    village.chain_head = revision.hash
    village.chain_length = revision.chain_seq
    village.content_version = (village.content_version or 0) + 1
    village.updated_at = utcnow()
    return revision


@dataclass
class BrokenLink:
    village_code: str
    chain_seq: int | None
    revision_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"revision #{self.chain_seq}" if self.chain_seq else "record"
        if self.revision_id:
            where += f" (id {self.revision_id})"
        return f"village {self.village_code}: {where} {self.problem}"


def redaction_digests(village_id: int) -> dict[int, str]:
    """Map each redacted revision's id to the hash its content must have after the latest redaction."""
    digests: dict[int, str] = {}
    rows = db.session.scalars(
        select(PublishedRevision).where(PublishedRevision.village_id == village_id,
                                        PublishedRevision.subject_type == "redaction")
        .order_by(PublishedRevision.chain_seq))
    for row in rows:
        digests[row.subject_id] = str((row.content or {}).get("digest") or "")
    return digests


def verify_chain(village: Village) -> list[BrokenLink]:
    """Walk one village's chain; return every broken link found (empty when it holds)."""
    problems: list[BrokenLink] = []
    expected_prev = GENESIS
    seq = 0
    redacted = redaction_digests(village.id)
    rows = db.session.scalars(
        select(PublishedRevision).where(PublishedRevision.village_id == village.id)
        .order_by(PublishedRevision.chain_seq)
    )
    for revision in rows:
        seq += 1
        if revision.chain_seq != seq:
            missing = f"#{seq}" if revision.chain_seq == seq + 1 else f"#{seq} to #{revision.chain_seq - 1}"
            problems.append(BrokenLink(village.code, seq, None,
                                       f"is missing from the sequence ({missing} gone; "
                                       f"the next one found is #{revision.chain_seq}, id {revision.id})"))
            seq = revision.chain_seq
        if revision.prev_hash != expected_prev:
            problems.append(BrokenLink(village.code, seq, revision.id, "does not point at the previous revision"))
        if revision.hash is None or compute_hash(revision) != revision.hash:
            if redacted.get(revision.id) != compute_hash(revision):
                problems.append(BrokenLink(village.code, seq, revision.id, "content does not match its hash"))
        expected_prev = revision.hash
    if (village.chain_head or None) != (expected_prev if seq else None) or village.chain_length != seq:
        problems.append(BrokenLink(village.code, None, None,
                                   f"chain head shown to the public ({village.chain_length or 0} revisions, "
                                   f"{village.chain_head or '—'}) does not match the chain "
                                   f"({seq} revisions, {expected_prev if seq else '—'})"))
    return problems
