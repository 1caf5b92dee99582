"""Text messages to real-name complainants who chose them: "there is news", never the case's content.

A message names the case's public reference and where to look (the tracking page, with the
receipt code); the resident reads the news there. Anonymous cases never get one: they have
no number, and a text would tie a phone to a case.
"""
import json

from flask_babel import lazy_gettext as _l

from portal.complaints import notify
from portal.complaints.events import COMPLAINANT, audit_case
from portal.complaints.models import Complaint
from portal.core import sms
from portal.core.crypto import decrypt_text
from portal.core.errors import PortalError
from portal.core.urls import public_base_url

# Handler actions that are news for the complainant, and the template that says so.
NEWS = {"question": "case_question", "accepted": "case_update", "extension": "case_update",
        "declined": "case_update", "transferred": "case_update", "concluded": "case_update"}


def ref_of(complaint: Complaint) -> str:
    return f"complaint:{complaint.id}"


def mobile_of(complaint: Complaint) -> str | None:
    """The complainant's mobile number when they chose text messages, else None."""
    if complaint.anonymous or not complaint.sms_opt_in or not complaint.contact_encrypted:
        return None
    try:
        contact = json.loads(decrypt_text(complaint.contact_encrypted))
    except (ValueError, TypeError):
        return None
    phone = contact.get("phone") if isinstance(contact, dict) else None
    return phone if sms.is_mobile(phone) else None


def news(complaint: Complaint, what: str) -> bool:
    """Queue a text that the case has news (in the caller's transaction); True when one was queued."""
    template = NEWS.get(what)
    if template is None or notify.is_muted():
        return False
    number = mobile_of(complaint)
    if number is None:
        return False
    params = {"ref": complaint.public_reference or "", "url": f"{public_base_url()}/complaints/track"}
    sms.enqueue(number, template, params, ref_of(complaint))
    return True


def stop(complaint: Complaint) -> int:
    """The complainant withdraws their consent: no more texts, and the waiting ones are deleted."""
    if not complaint.sms_opt_in:
        raise PortalError(_l("This case sends no text messages."))
    complaint.sms_opt_in = False
    withdrawn = sms.withdraw(ref_of(complaint))
    audit_case("complaint_sms_stopped", complaint, COMPLAINANT)
    return withdrawn
