"""Write, publish and correct sunshine duty reports (述责述廉) on the village's chain.

The draft is ``DutyReport.draft_content``: {"sections": {key: markdown},
"_meta": {cadre_name, cadre_role, period, title}}. Publishing stores
{"kind": "duty_report", "sections", "sections_html"} as the next revision.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.core import audit
from portal.core.errors import PortalError
from portal.core.masking import mask_text
from portal.core.sanitize import render_markdown
from portal.duty.models import SECTIONS, DutyReport
from portal.extensions import db
from portal.places.models import Cadre, Village
from portal.records import service as records
from portal.records.models import PublishedRevision

MAX_SECTION = 20000


def report_content(sections: dict) -> dict:
    """Canonical content of a duty report: each section's markdown and its sanitized HTML."""
    kept = {k: mask_text(sections.get(k) or "") for k in SECTIONS if (sections.get(k) or "").strip()}
    return {"kind": "duty_report", "sections": kept, "sections_html": {k: render_markdown(v) for k, v in kept.items()}}


def recorded_meta(meta: dict) -> dict:
    """Who the report is by and which period it covers, as each revision records them."""
    return {k: meta.get(k) or None for k in ("cadre_name", "cadre_role", "period")}


def meta_of(report: DutyReport) -> dict:
    return {"cadre_name": report.cadre_name, "cadre_role": report.cadre_role, "period": report.period,
            "title": report.title}


def editable(report: DutyReport) -> dict:
    """The draft to edit: the pending one, or the published sections to correct."""
    if report.draft_content:
        return dict(report.draft_content)
    sections = dict((report.current_revision.content or {}).get("sections") or {}) if report.current_revision else {}
    return {"sections": sections, "_meta": meta_of(report)}


def is_correction(report: DutyReport) -> bool:
    return report.revision_count > 0


def _check_sections(sections: dict) -> dict:
    clean = {k: (sections.get(k) or "").replace("\r\n", "\n") for k in SECTIONS}
    too_long = next((k for k, v in clean.items() if len(v) > MAX_SECTION), None)
    if too_long:
        raise PortalError(_l("This section is too long."), field=too_long)
    return clean


def _check_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise PortalError(_l("Give the report a title."), field="title")
    return title


def create_draft(village: Village, user, cadre: Cadre, period: str, title: str, sections: dict) -> DutyReport:
    """Start a cadre's report for a period (one per cadre and period; call inside a write transaction)."""
    if cadre.village_id != village.id:
        raise PortalError(_l("Choose one of the village's cadres."), field="cadre")
    period = (period or "").strip()
    if not period:
        raise PortalError(_l("Say which period the report covers, for example 2025."), field="period")
    exists = db.session.scalar(select(DutyReport.id).where(
        DutyReport.village_id == village.id, DutyReport.cadre_name == cadre.name, DutyReport.period == period))
    if exists:
        raise PortalError(_l("%(name)s already has a report for %(period)s; open it from the list instead.",
                             name=cadre.name, period=period), field="period")
    meta = {"cadre_name": cadre.name, "cadre_role": cadre.role, "period": period, "title": _check_title(title)}
    report = DutyReport(village=village, village_id=village.id, status="draft", created_by_id=user.id, **meta)
    report.draft_content = {"sections": _check_sections(sections), "_meta": meta}
    db.session.add(report)
    db.session.flush()
    audit.record("draft_create", "duty_report", report.id, user=user)
    return report


def save_draft(report: DutyReport, user, title: str, sections: dict, reason: str | None = None) -> None:
    """Replace a report's draft; corrections must say why (call inside a write transaction)."""
    reason = (reason or "").strip()
    if is_correction(report) and not reason:
        raise PortalError(_l("Say why you are correcting what was published."), field="reason")
    meta = {**(report.draft_content or {}).get("_meta", meta_of(report)), "title": _check_title(title)}
    if not is_correction(report):
        report.title = meta["title"]
    report.draft_content = {"sections": _check_sections(sections), "_meta": meta}
    report.draft_reason = reason or None
    audit.record("draft_save", "duty_report", report.id, user=user)


def discard_draft(report: DutyReport, user) -> bool:
    """Drop a draft; a never-published report goes entirely. Return True when it was deleted."""
    audit.record("draft_discard", "duty_report", report.id, user=user)
    if is_correction(report):
        report.draft_content, report.draft_reason = None, None
        return False
    db.session.delete(report)
    db.session.flush()
    return True


def publish_draft(report: DutyReport, user) -> PublishedRevision:
    """Publish the draft as the report's next chained revision (call inside a write transaction)."""
    draft = report.draft_content
    if not draft:
        raise PortalError(_l("There is no draft to publish."))
    content = report_content(draft.get("sections") or {})
    if not content["sections"]:
        raise PortalError(_l("Write at least one section before publishing."), field="duties")
    correction = is_correction(report)
    if correction and not (report.draft_reason or "").strip():
        raise PortalError(_l("Say why you are correcting what was published."), field="reason")
    title = (draft.get("_meta") or {}).get("title") or report.title
    content["meta"] = recorded_meta(meta_of(report))
    revision = records.publish(report, subject_type="duty_report", content=content, title=title,
                               reason=report.draft_reason, user_id=user.id)
    audit.record("correct" if correction else "publish", "duty_report", report.id,
                 detail=f"revision {revision.number}, chain #{revision.chain_seq}", user=user)
    return revision
