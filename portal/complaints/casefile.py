"""What a handler sees of one case: history, notes, messages, files, linked item, contact, audit."""
import json
import re

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.complaints import routing
from portal.complaints.clock import Clock
from portal.complaints.models import Complaint, ComplaintAttachment, ComplaintEvent, Recusal
from portal.complaints.numbering import REFERENCE
from portal.complaints.workflow import OPEN_FOR_EXTENSION, allowed_targets
from portal.core import permissions
from portal.core.audit import AuditEntry
from portal.core.crypto import decrypt_text
from portal.core.roles import Status
from portal.disclosures.models import Disclosure
from portal.extensions import db
from portal.places.models import Township, Village
from portal.powers.models import PowerItem
from portal.records.models import PublishedRevision

CASE_NUMBER = re.compile(r"\d{6}-\d{4}-\d{6}")


def get_readable(case_number: str, user) -> Complaint:
    """Load a case the user may read, or 404 (also when it exists but is not theirs)."""
    if CASE_NUMBER.fullmatch(case_number or ""):
        column = Complaint.case_number
    elif REFERENCE.fullmatch(case_number or ""):
        column = Complaint.public_reference  # the number a complainant quotes on the phone
    else:
        abort(404)
    complaint = db.session.scalar(
        select(Complaint).where(column == case_number)
        .options(joinedload(Complaint.village).joinedload(Village.township).joinedload(Township.county)))
    permissions.require(complaint is not None and permissions.can_read_complaint(user, complaint), not_found=True)
    return complaint


def reveal_contact(complaint: Complaint) -> dict | None:
    """Decrypt a real-name complainant's contact details (the caller audits "contact_viewed")."""
    if complaint.anonymous or not complaint.contact_encrypted:
        return None
    try:
        contact = json.loads(decrypt_text(complaint.contact_encrypted))
    except (ValueError, TypeError):
        return {"unreadable": True}
    return contact if isinstance(contact, dict) else {"unreadable": True}


# The next step of the procedure for each status: the one action the case page puts first.
NEXT_STEP = {Status.RECEIVED: "accept", Status.ACCEPTED: "start", Status.IN_PROGRESS: "conclude",
             Status.UNDER_REVIEW: "conclude"}
_STEP_TARGET = {"accept": Status.ACCEPTED, "start": Status.IN_PROGRESS, "conclude": Status.CONCLUDED}


def actions_for(complaint: Complaint, user) -> dict:
    """Which action forms the case page offers the user now, and which one is the next step."""
    targets = allowed_targets(complaint)
    step = NEXT_STEP.get(complaint.status)
    return {
        "primary": step if step and _STEP_TARGET[step] in targets else None,
        "transitions": targets,
        "extend": complaint.status in OPEN_FOR_EXTENSION and not complaint.extended_days,
        "escalate": permissions.can_escalate_complaint(user, complaint),
        "recuse": permissions.can_recuse_complaint(user, complaint),
        "assign": permissions.can_assign_complaint(user, complaint) and routing.stays_at_county(complaint) is None,
    }


def case_view(complaint: Complaint, user, clk: Clock) -> dict:
    """Gather the case page (the caller audits the read)."""
    events = list(db.session.scalars(select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id)
                                     .order_by(ComplaintEvent.id)))
    actor_ids = {e.actor_id for e in events if e.actor_id}
    actors = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(actor_ids)))} if actor_ids else {}
    attachments = list(db.session.scalars(select(ComplaintAttachment)
                                          .where(ComplaintAttachment.complaint_id == complaint.id)
                                          .order_by(ComplaintAttachment.id)))
    recusals = list(db.session.scalars(select(Recusal).where(Recusal.complaint_id == complaint.id)))
    audit_log = []
    if permissions.can_view_audit_log(user):
        audit_log = list(db.session.scalars(
            select(AuditEntry).where(AuditEntry.object_type == "complaint", AuditEntry.object_id == str(complaint.id))
            .order_by(AuditEntry.id.desc()).limit(200)))
    return {
        "complaint": complaint,
        "state": clk.state(complaint),
        "forward_by": clk.forward_by(complaint),
        "today": clk.today,
        "resolved": clk.resolved(complaint),
        "max_extension": clk.rules.max_extension_days,
        **pinned_subjects(complaint),
        "history": [e for e in events if e.kind not in ("note", "message", "question", "answer")],
        "notes": [e for e in events if e.kind == "note"],
        "conversation": [e for e in events if e.kind in ("message", "question", "answer")],
        "actors": actors,
        "attachments": attachments,
        "recusals": recusals,
        "audit_log": audit_log,
        "actions": actions_for(complaint, user),
    }


def pinned_subjects(complaint: Complaint) -> dict:
    """The power item and disclosure as they read when the complaint was filed, and whether they changed since.

    ``power_item`` is the pinned revision's copy of the item (the live row only
    for complaints filed before revisions were pinned); ``*_revision`` is the
    pinned revision and ``*_current`` the latest one, when it is another.
    """
    found: dict = {"power_item": None, "power_item_revision": None, "power_item_current": None,
                   "disclosure": None, "disclosure_revision": None, "disclosure_current": None}
    item = db.session.get(PowerItem, complaint.power_item_id) if complaint.power_item_id else None
    if item is not None:
        pinned = db.session.get(PublishedRevision, complaint.power_item_revision_id) \
            if complaint.power_item_revision_id else None
        found["power_item"] = {**pinned.content, "id": item.id} if pinned else item
        found["power_item_revision"] = pinned
        if pinned and item.current_revision_id != pinned.id:
            found["power_item_current"] = item.current_revision
    disclosure = db.session.get(Disclosure, complaint.disclosure_id) if complaint.disclosure_id else None
    if disclosure is not None:
        pinned = db.session.get(PublishedRevision, complaint.disclosure_revision_id) \
            if complaint.disclosure_revision_id else None
        found["disclosure"] = disclosure
        found["disclosure_revision"] = pinned or disclosure.current_revision
        if pinned and disclosure.current_revision_id != pinned.id:
            found["disclosure_current"] = disclosure.current_revision
    return found


def get_attachment(complaint: Complaint, attachment_id: int) -> ComplaintAttachment:
    attachment = db.session.get(ComplaintAttachment, attachment_id)
    if attachment is None or attachment.complaint_id != complaint.id:
        abort(404)
    return attachment
