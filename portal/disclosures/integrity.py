"""Check published disclosures and their files against the village's chain (called by `verify`)."""
import hashlib

from sqlalchemy import select

from portal.core.storage import open_upload
from portal.disclosures.models import Attachment, Disclosure
from portal.extensions import db
from portal.places.models import Village
from portal.records.chain import BrokenLink
from portal.records.integrity import check_subjects, compare_fields, revisions_by_subject


def _shown_meta(disclosure: Disclosure) -> dict:
    return {"domain": disclosure.domain, "topic": disclosure.topic, "period_label": disclosure.period_label,
            "period_start": disclosure.period_start.isoformat() if disclosure.period_start else None,
            "period_end": disclosure.period_end.isoformat() if disclosure.period_end else None}


def file_digest(stored_name: str) -> str | None:
    """SHA-256 of a stored file's bytes, or None when it is gone."""
    digest = hashlib.sha256()
    try:
        with open_upload(stored_name) as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def check_published(village: Village) -> list[BrokenLink]:
    problems = check_subjects(village, "disclosure", Disclosure, "disclosure")
    chained = revisions_by_subject(village, "disclosure")
    disclosures = {d.id: d for d in db.session.scalars(select(Disclosure).where(Disclosure.id.in_(list(chained))))}
    checked_files: dict[int, str | None] = {}
    for subject_id, revisions in chained.items():
        last, disclosure = revisions[-1], disclosures.get(subject_id)
        label = f"disclosure {subject_id}"
        if disclosure is not None:
            recorded = (last.content or {}).get("meta")
            if recorded is not None:
                problems += compare_fields(village, last, label, _shown_meta(disclosure), recorded)
            if (last.content or {}).get("kind") not in (None, disclosure.kind):
                problems.append(BrokenLink(village.code, last.chain_seq, last.id,
                                           f"{label} is shown as a {disclosure.kind}, the chain holds "
                                           f"a {(last.content or {}).get('kind')}"))
        for revision in revisions:
            for entry in (revision.content or {}).get("files") or []:
                problems += _check_file(village, revision, label, entry, checked_files)
    return problems


def _check_file(village, revision, label, entry: dict, seen: dict) -> list[BrokenLink]:
    def broken(text):
        return [BrokenLink(village.code, revision.chain_seq, revision.id,
                           f"{label}: file “{entry.get('name')}” (id {entry.get('id')}) {text}")]

    row = db.session.get(Attachment, entry.get("id")) if isinstance(entry.get("id"), int) else None
    if row is None:
        return broken("is listed but its record is gone")
    if row.sha256 != entry.get("sha256"):
        return broken("has a stored hash that differs from the published one")
    if row.id not in seen:
        seen[row.id] = file_digest(row.stored_name)
    if seen[row.id] is None:
        return broken("is missing from storage")
    if seen[row.id] != entry.get("sha256"):
        return broken("has bytes on disk that differ from the published file (SHA-256 mismatch)")
    return []
