"""Complaints that arrive by phone, letter or visit, or that a supervision committee member files for a
neighbour: staff enter them through the same intake as the web form, saying how they came and, for a
proxy, that the resident agreed."""
from flask_babel import lazy_gettext as _l

from portal.complaints.intake import find_village, submit
from portal.complaints.textcheck import Errors, clean_text
from portal.core import permissions
from portal.core.labels import label

CHANNELS = ("phone", "letter", "visit", "proxy")
CONSENT_WAYS = ("signed", "in_person", "phone")
CONSENT_LABELS = {"signed": _l("Signed the letter or a consent note (scanned below)"),
                  "in_person": _l("In person, in front of me"), "phone": _l("By phone")}


def enter(user, raw: dict, files=()):
    """File a complaint received off-line; return (complaint, receipt) or raise PortalError, storing nothing."""
    errors = Errors()
    channel = raw.get("channel")
    if channel not in CHANNELS:
        errors.add("channel", _l("Say how the complaint reached you."))
    village = find_village(raw.get("village"))
    if village is not None and not permissions.can_enter_complaint(user, village):
        errors.add("village", _l("Choose a village you serve."))
    lines = [str(_l("Received by: %(channel)s", channel=label("channel", channel)))] if channel in CHANNELS else []
    # The facts as fields (the intake event keeps them readable in the case history).
    entry = {"channel": channel if channel in CHANNELS else "visit", "proxy_name": None, "consent_how": None}
    if channel == "proxy":
        proxy = clean_text(raw.get("proxy_name"), "proxy_name", errors, max_len=50, required=True)
        if raw.get("consent") not in ("1", "y", "on", True):
            errors.add("consent", _l("A complaint can be filed for a resident only with their consent."))
        how = raw.get("consent_how")
        if how not in CONSENT_WAYS:
            errors.add("consent_how", _l("Say how the resident gave their consent."))
        entry.update(proxy_name=proxy or None, consent_how=how if how in CONSENT_WAYS else None)
        lines += [str(_l("Filed on the resident's behalf by: %(name)s", name=proxy or "")),
                  str(_l("The resident's consent: %(how)s", how=CONSENT_LABELS.get(how, "")))]
    note = clean_text(raw.get("intake_note"), "intake_note", errors, multiline=True, max_len=1000)
    if note:
        lines.append(note)
    return submit(raw, files, channel=channel if channel in CHANNELS else "visit", entered_by=user,
                  intake_note="\n".join(lines), extra_errors=errors, staff_entry=entry)
