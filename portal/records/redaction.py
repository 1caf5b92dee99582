"""Removing personal data from a revision that is already public, in the open.

Old revisions stay public, so an ID card or phone number published by mistake
stays visible unless it is removed. A county handler removes it: the masking
rules of the tables run over every free-text string of the revision (plus any
words the handler names, such as a person's name), the revision's content is
replaced, and a new chain entry records which revision was changed, what kind
of data was removed and how much, when, by whom and why, and the hash the
changed content must have. `verify` accepts exactly that content for the
revision and still catches any other change. The removed text itself is
never recorded anywhere.
"""
from importlib import import_module
from typing import Literal, TypedDict

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified

from portal.core import audit
from portal.core.errors import PortalError
from portal.core.masking import add_counts, mask_content
from portal.core.text import refuse_hidden, refuse_too_long
from portal.extensions import db
from portal.records import chain
from portal.records.models import PublishedRevision

SUBJECT = "redaction"


class RemovalTarget(TypedDict):
    id: int
    chain_seq: int
    hash: str
    subject_type: str
    subject_id: int
    number: int


class RedactionContent(TypedDict):
    """What the record keeps of a removal of personal data: counts and the fingerprint, never the data."""

    kind: Literal["redaction"]
    removed: dict[str, int]
    digest: str
    target: RemovalTarget
REMOVED = "[已删除]"
MAX_TERMS = 20


def _remove_terms(value, terms: list[str], counts: dict):
    if isinstance(value, str):
        for term in terms:
            if term in value:
                counts.setdefault("terms", set()).add(term)
                value = value.replace(term, REMOVED)
        return value
    if isinstance(value, list):
        return [_remove_terms(v, terms, counts) for v in value]
    if isinstance(value, dict):
        return {k: (v if k in ("kind", "sha256", "id", "meta", "mime", "size") else _remove_terms(v, terms, counts))
                for k, v in value.items()}
    return value


def parse_terms(text: str | None) -> list[str]:
    refuse_hidden("terms", text)
    terms = [t.strip() for t in (text or "").splitlines() if t.strip()]
    if any(len(t) < 2 for t in terms):
        raise PortalError(_l("Each word to remove needs at least two characters."), field="terms")
    if len(terms) > MAX_TERMS:
        raise PortalError(_l("Name at most 20 words to remove."), field="terms")
    return sorted(set(terms), key=len, reverse=True)


def preview(revision: PublishedRevision, terms: list[str]) -> tuple[dict, dict]:
    """The content after removal and what would be removed, without changing anything."""
    content, counts = mask_content(revision.content or {})
    term_counts: dict = {}
    content = _remove_terms(content, terms, term_counts)
    return content, add_counts(counts, {"term": len(term_counts.get("terms", ()))} if term_counts else {})


def redactions_of(revision_ids) -> dict[int, list[PublishedRevision]]:
    """The removal entries recorded for each of these revisions, oldest first."""
    ids = list(revision_ids)
    found: dict[int, list[PublishedRevision]] = {}
    if not ids:
        return found
    for entry in db.session.scalars(select(PublishedRevision).where(
            PublishedRevision.subject_type == SUBJECT, PublishedRevision.subject_id.in_(ids))
            .order_by(PublishedRevision.chain_seq)):
        found.setdefault(entry.subject_id, []).append(entry)
    return found


def redact(revision: PublishedRevision, user, reason: str | None, terms: list[str]) -> PublishedRevision:
    """Remove personal data from a published revision and chain the removal (call inside a write transaction)."""
    refuse_hidden("reason", reason)
    reason = (reason or "").strip()
    if not reason:
        raise PortalError(_l("Say why the data is removed; the reason is published."), field="reason")
    refuse_too_long("reason", reason, 1000)
    if revision.subject_type == SUBJECT:
        raise PortalError(_l("This entry records a removal; it holds no personal data."))
    content, counts = preview(revision, terms)
    if content == revision.content:
        raise PortalError(_l("No ID card, bank card or mobile number, and none of the words named, was found "
                             "in this revision."), field="terms")
    revision.content = content
    flag_modified(revision, "content")
    _follow_on_subject(revision)
    number = (db.session.scalar(select(func.count()).select_from(PublishedRevision).where(
        PublishedRevision.subject_type == SUBJECT, PublishedRevision.subject_id == revision.id)) or 0) + 1
    entry = chain.append(
        revision.village, subject_type=SUBJECT, subject_id=revision.id, number=number,
        title=f"删除个人信息：{revision.title}"[:255],
        shape=RedactionContent, content={"kind": SUBJECT, "removed": counts, "digest": chain.compute_hash(revision),
                 "target": {"id": revision.id, "chain_seq": revision.chain_seq, "hash": revision.hash,
                            "subject_type": revision.subject_type, "subject_id": revision.subject_id,
                            "number": revision.number}},
        reason=reason, user_id=user.id)
    audit.record("redact", "published_revision", revision.id, detail=f"chain #{entry.chain_seq}", user=user)
    return entry


# Capabilities whose rows repeat a revision's content, and so must drop the same data (by module name,
# so the record does not depend on their code): each provides follow_redaction(revision).
FOLLOWERS = {"power_item": "portal.powers.record"}


def _follow_on_subject(revision: PublishedRevision) -> None:
    """Let the subject's own row drop what was removed from its current revision."""
    module = FOLLOWERS.get(revision.subject_type)
    if module:
        import_module(module).follow_redaction(revision)
