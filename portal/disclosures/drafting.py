"""Write, preview, publish and correct disclosures (the cadre side of 三务公开).

A draft lives in ``Disclosure.draft_content``: the content exactly as it will
be published, plus private keys starting with "_" (``_meta``: title, domain,
topic and period waiting to be published; ``_warnings``: import notes for the
preview). A published disclosure is never edited in place: a correction is a
draft prefilled from the current revision, published as the next revision.
"""
import datetime
import re

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import delete, select

from portal.core import audit
from portal.core.errors import PortalError
from portal.core.masking import mask_content, mask_text, masked_note  # noqa: F401  (masked_note: compose)
from portal.core.sanitize import plain_text, render_markdown
from portal.core.storage import StoredFile, remove_upload
from portal.disclosures import payments
from portal.disclosures.decisions import check_decision
from portal.disclosures.models import DOMAINS, KINDS, TOPICS, Attachment, Disclosure
from portal.disclosures.periods import derive_label
from portal.disclosures.tables import PreparedTable, to_canonical
from portal.extensions import db
from portal.places.models import Village
from portal.records import service as records
from portal.records.models import PublishedRevision
from portal.subsidies import service as subsidies

META_FIELDS = ("domain", "topic", "title", "period_label", "period_start", "period_end")
# What the page shows beside the content: kept inside each hashed revision, so every revision keeps its own.
RECORDED_META = ("domain", "topic", "period_label", "period_start", "period_end")


# ---- content of each kind -----------------------------------------------------------

TEXT_FORMATS = ("plain", "markdown")


def text_content(markdown: str, text_format: str = "markdown") -> dict:
    """Build the canonical content of a text notice (ID, card and mobile numbers masked): plain paragraphs,
    or Markdown when asked for."""
    markdown = mask_text(markdown)
    if text_format == "plain":
        return {"kind": "text", "markdown": markdown, "format": "plain", "html": render_plain(markdown)}
    return {"kind": "text", "markdown": markdown, "html": render_markdown(markdown)}


def render_plain(text: str) -> str:
    """Render typed text as it was typed: a blank line between paragraphs, each line break kept."""
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")) if p.strip()]
    return "".join(Markup("<p>{}</p>").format(Markup("<br>").join(p.split("\n"))) for p in paragraphs)


def table_content(prepared: PreparedTable, notes: str) -> dict:
    """Build the canonical content of an imported table (refuses tables with errors)."""
    if prepared.errors:
        raise PortalError(_l("The table has errors; correct the file and upload it again."), field="upload")
    content = {"kind": "table", **to_canonical(prepared)}
    return with_notes(content, notes)


def with_notes(content: dict, notes: str) -> dict:
    """Set or clear the notes under a table."""
    content = {k: v for k, v in content.items() if k not in ("notes", "notes_html")}
    notes = mask_text(notes)
    if notes.strip():
        content.update(notes=notes, notes_html=render_markdown(notes))
    return content


def decision_content(record: dict) -> dict:
    """Build the canonical content of a 四议两公开 record, with the breaches found in it (free text masked)."""
    record = {**record, "matter": mask_text(record.get("matter") or "")} if "matter" in record else dict(record)
    if isinstance(record.get("steps"), list):
        record["steps"] = [{**s, "note": mask_text(s["note"])} if isinstance(s, dict) and isinstance(s.get("note"), str)
                           else s for s in record["steps"]]
    breaches = [{"step": b.step, "code": b.code} for b in check_decision(record)]
    return {"kind": "decision", **record, "breaches": breaches}


def attachment_content(description: str, files: list[dict]) -> dict:
    """Build the canonical content of a set of documents (the description masked)."""
    description = mask_text(description)
    return {"kind": "attachment", "description": description,
            "description_html": render_markdown(description) if description.strip() else "", "files": files}


def file_entry(attachment: Attachment) -> dict:
    return {"id": attachment.id, "name": attachment.original_name, "mime": attachment.mime_type,
            "size": attachment.size, "sha256": attachment.sha256}


# ---- reading drafts -----------------------------------------------------------------------

def recorded_meta(meta: dict) -> dict:
    """The category, topic and period as a revision records them."""
    return {k: meta.get(k) or None for k in RECORDED_META}


def revision_content(content: dict, meta: dict) -> dict:
    """The content a revision publishes: what was written, with the category and period it is shown under."""
    return {**{k: v for k, v in content.items() if k != "meta"}, "meta": recorded_meta(meta)}


def public_part(draft: dict) -> dict:
    """Return what a draft will publish (without the private "_" keys)."""
    return {k: v for k, v in (draft or {}).items() if not k.startswith("_")}


def meta_of(disclosure: Disclosure) -> dict:
    """The title, domain, topic and period currently on the disclosure."""
    return {"domain": disclosure.domain, "topic": disclosure.topic, "title": disclosure.title,
            "period_label": disclosure.period_label or "",
            "period_start": disclosure.period_start.isoformat() if disclosure.period_start else "",
            "period_end": disclosure.period_end.isoformat() if disclosure.period_end else ""}


def editable(disclosure: Disclosure) -> dict:
    """The draft to edit: the pending one, or a copy of the published revision to correct."""
    if disclosure.draft_content:
        return dict(disclosure.draft_content)
    content = dict(disclosure.current_revision.content) if disclosure.current_revision else {"kind": disclosure.kind}
    if content.get("kind") == "table" and "notes" not in content and content.get("notes_html"):
        content["notes"] = plain_text(content["notes_html"])
    if content.get("kind") == "attachment" and "description" not in content:
        content["description"] = plain_text(content.get("description_html") or "")
    return {**content, "_meta": meta_of(disclosure)}


def is_correction(disclosure: Disclosure) -> bool:
    return disclosure.revision_count > 0


def published_file_ids(disclosure_id: int) -> set[int]:
    """Ids of the files any published revision of the disclosure lists."""
    contents = db.session.scalars(select(PublishedRevision.content).where(
        PublishedRevision.subject_type == "disclosure", PublishedRevision.subject_id == disclosure_id))
    return {f.get("id") for c in contents for f in (c or {}).get("files", [])}


# ---- writing drafts -------------------------------------------------------------------------

def _check_meta(meta: dict) -> dict:
    if meta.get("domain") not in DOMAINS or meta.get("topic") not in TOPICS:
        raise PortalError(_l("Choose a category and a topic from the list."), field="domain")
    if not (meta.get("title") or "").strip():
        raise PortalError(_l("Give the disclosure a title."), field="title")
    start, end = meta.get("period_start") or "", meta.get("period_end") or ""
    for name, value in (("period_start", start), ("period_end", end)):
        try:
            datetime.date.fromisoformat(value) if value else None
        except ValueError:
            raise PortalError(_l("Write a date such as 2025-01-31."), field=name) from None
    if start and end and start > end:
        raise PortalError(_l("The period ends before it starts."), field="period_end")
    meta = {k: (meta.get(k) or "").strip() if isinstance(meta.get(k), str) else meta.get(k) for k in META_FIELDS}
    if not meta["period_label"] and start and end:  # entered once: the label follows from the dates
        meta["period_label"] = derive_label(datetime.date.fromisoformat(start), datetime.date.fromisoformat(end))
    return meta


def _apply_meta(disclosure: Disclosure, meta: dict) -> None:
    disclosure.domain, disclosure.topic = meta["domain"], meta["topic"]
    disclosure.title = meta["title"]
    disclosure.period_label = meta["period_label"] or None
    disclosure.period_start = datetime.date.fromisoformat(meta["period_start"]) if meta["period_start"] else None
    disclosure.period_end = datetime.date.fromisoformat(meta["period_end"]) if meta["period_end"] else None


def create_draft(village: Village, user, kind: str, meta: dict, content: dict,
                 warnings: list[str] | None = None) -> Disclosure:
    """Start a new disclosure as a draft (call inside a write transaction)."""
    if kind not in KINDS or content.get("kind") != kind:
        raise PortalError(_l("Choose what kind of disclosure to write."), field="kind")
    meta = _check_meta(meta)
    disclosure = Disclosure(village=village, village_id=village.id, kind=kind, status="draft",
                            created_by_id=user.id)
    _apply_meta(disclosure, meta)
    disclosure.draft_content = {**content, "_meta": meta, "_warnings": list(warnings or [])}
    db.session.add(disclosure)
    db.session.flush()
    audit.record("draft_create", "disclosure", disclosure.id, detail=kind, user=user)
    return disclosure


def save_draft(disclosure: Disclosure, user, meta: dict, content: dict, reason: str | None = None,
               warnings: list[str] | None = None) -> None:
    """Replace a disclosure's draft; corrections must say why (call inside a write transaction)."""
    if content.get("kind") != disclosure.kind:
        raise PortalError(_l("The kind of a disclosure cannot change."), field="kind")
    meta = _check_meta(meta)
    reason = (reason or "").strip()
    if is_correction(disclosure) and not reason:
        raise PortalError(_l("Say why you are correcting what was published."), field="reason")
    if not is_correction(disclosure):
        _apply_meta(disclosure, meta)  # never published: the columns show nothing to the public yet
    before = {f.get("id") for f in (disclosure.draft_content or {}).get("files", [])}
    disclosure.draft_content = {**content, "_meta": meta, "_warnings": list(warnings or [])}
    disclosure.draft_reason = reason or None
    _forget_files(disclosure, before - {f.get("id") for f in content.get("files", [])})
    audit.record("draft_save", "disclosure", disclosure.id, user=user)


def attach_files(disclosure: Disclosure, stored: list[StoredFile]) -> list[dict]:
    """Record freshly stored uploads as files of the disclosure; return their content entries."""
    rows = [Attachment(village_id=disclosure.village_id, disclosure_id=disclosure.id, stored_name=s.stored_name,
                       original_name=s.original_name, mime_type=s.mime_type, size=s.size, sha256=s.sha256)
            for s in stored]
    db.session.add_all(rows)
    db.session.flush()
    return [file_entry(a) for a in rows]


def add_files(disclosure: Disclosure, stored: list[StoredFile]) -> None:
    """Attach freshly stored uploads to the end of the disclosure's draft."""
    draft = dict(disclosure.draft_content or {})
    draft["files"] = [*draft.get("files", []), *attach_files(disclosure, stored)]
    disclosure.draft_content = draft


def _forget_files(disclosure: Disclosure, ids: set) -> None:
    """Delete files dropped from a draft that no published revision lists."""
    ids = {i for i in ids if isinstance(i, int)} - published_file_ids(disclosure.id)
    if not ids:
        return
    rows = list(db.session.scalars(select(Attachment).where(Attachment.id.in_(ids),
                                                            Attachment.disclosure_id == disclosure.id)))
    for row in rows:
        db.session.delete(row)
    db.session.flush()
    for row in rows:
        remove_upload(row.stored_name)


def discard_draft(disclosure: Disclosure, user) -> bool:
    """Drop a draft; a never-published disclosure goes entirely. Return True when it was deleted."""
    pending = {f.get("id") for f in (disclosure.draft_content or {}).get("files", [])}
    audit.record("draft_discard", "disclosure", disclosure.id, user=user)
    if is_correction(disclosure):
        _forget_files(disclosure, pending)
        disclosure.draft_content, disclosure.draft_reason = None, None
        return False
    names = list(db.session.scalars(select(Attachment.stored_name).where(Attachment.disclosure_id == disclosure.id)))
    db.session.execute(delete(Attachment).where(Attachment.disclosure_id == disclosure.id))
    db.session.delete(disclosure)
    db.session.flush()
    for name in names:
        remove_upload(name)
    return True


# ---- publishing --------------------------------------------------------------------------------

def _check_publishable(kind: str, content: dict) -> dict:
    if kind == "text" and not (content.get("markdown") or "").strip():
        raise PortalError(_l("Write the text of the notice before publishing."), field="markdown")
    if kind == "table" and not content.get("rows"):
        raise PortalError(_l("Upload the table before publishing."), field="upload")
    if kind == "attachment" and not content.get("files"):
        raise PortalError(_l("Add at least one file before publishing."), field="files")
    if kind == "decision":
        record = {k: v for k, v in content.items() if k not in ("kind", "breaches")}
        content = decision_content(record)  # the rules are checked again at publication
    return content


def publish_draft(disclosure: Disclosure, user, explanations: dict | None = None) -> PublishedRevision:
    """Publish the draft as the disclosure's next chained revision (call inside a write transaction).

    A payment list goes through the anomaly rules again: each warning needs the cadre's explanation
    (subsidies.service.Unexplained otherwise), and a flagged list joins the township's queue.
    """
    draft = disclosure.draft_content
    if not draft:
        raise PortalError(_l("There is no draft to publish."))
    content = _check_publishable(disclosure.kind, public_part(draft))
    payment_list, anomalies = payments.screen_draft(disclosure, draft)
    subsidies.require_explained(anomalies, explanations)
    content = mask_content(content)[0]  # also drafts saved before free text was masked
    meta = _check_meta(draft.get("_meta") or meta_of(disclosure))
    correction = is_correction(disclosure)
    if correction and not (disclosure.draft_reason or "").strip():
        raise PortalError(_l("Say why you are correcting what was published."), field="reason")
    _apply_meta(disclosure, meta)
    if disclosure.kind == "decision":
        disclosure.breach_count = len(content["breaches"])
    content = revision_content(content, meta)
    revision = records.publish(disclosure, subject_type="disclosure", content=content, title=meta["title"],
                               reason=disclosure.draft_reason, user_id=user.id)
    if payment_list is not None:
        subsidies.record_publication(payment_list, disclosure.id, revision, anomalies, explanations, user.id)
    audit.record("correct" if correction else "publish", "disclosure", disclosure.id,
                 detail=f"revision {revision.number}, chain #{revision.chain_seq}", user=user)
    return revision
