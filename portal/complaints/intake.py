"""Filing a complaint: one set of rules for the web form and the API."""
import json
from dataclasses import dataclass
from datetime import date
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from portal.complaints import notify
from portal.complaints.conflicts import ABOUT_WHOM, conflict_reason
from portal.complaints.events import write_case_audit, write_event
from portal.complaints.models import CATEGORIES, Complaint, ComplaintAttachment, StaffEntry
from portal.complaints.numbering import new_reference, next_case_number
from portal.complaints.receipts import hash_receipt, new_receipt
from portal.complaints.routing import route
from portal.complaints.textcheck import Errors, clean_text, normalize_phone, parse_bool, parse_int, parse_past_date
from portal.core.crypto import encrypt_text
from portal.core.db import begin_write, commit_keeping_loaded
from portal.core.errors import PortalError
from portal.core.roles import Status
from portal.core.sms import is_mobile
from portal.core.storage import remove_upload, store_upload
from portal.core.timezone import local_today as today
from portal.disclosures.models import Disclosure
from portal.extensions import db
from portal.places.models import Township, Village
from portal.powers.models import PowerItem
from portal.subsidies import service as subsidies
from portal.subsidies.models import PaymentLine

FILE_TYPES = ("image/jpeg", "image/png", "application/pdf")
MAX_FILES = 5
DESCRIPTION_MIN, DESCRIPTION_MAX = 10, 5000
ABOUT_MAX = 200
NAME_MAX = 50


@dataclass
class Link:
    """What a complaint is about on the village's public pages (power item, step, disclosure)."""

    power_item: PowerItem | None = None
    step: dict | None = None
    disclosure: Disclosure | None = None


@cache
def _village_by_code():
    # Built once: on the intake path constructing a statement costs about what running it does.
    return (select(Village).where(Village.code == bindparam("code"))
            .options(joinedload(Village.township).joinedload(Township.county)))


def find_village(code) -> Village | None:
    """Load a village by its 12-digit code with its township and county."""
    if not isinstance(code, str) or not (code.isascii() and code.isdigit() and len(code) == 12):
        return None
    return db.session.scalar(_village_by_code(), {"code": code})


def villages_by_township() -> list[tuple[Township, list[Village]]]:
    """All villages of the county grouped by township, for the village select."""
    townships = db.session.scalars(select(Township).order_by(Township.code)
                                   .options(db.selectinload(Township.villages))).all()
    return [(t, list(t.villages)) for t in townships]


def resolve_link(village: Village | None, power_item_id, step_seq, disclosure_id, errors: Errors | None = None) -> Link:
    """Check that the linked item, step and disclosure belong to the village; report problems in errors."""
    errors = errors if errors is not None else Errors()
    link = Link()
    item_id = parse_int(power_item_id, "power_item", errors, _l("The linked power item does not exist."))
    seq = parse_int(step_seq, "step", errors, _l("The linked step does not exist."))
    disc_id = parse_int(disclosure_id, "disclosure", errors, _l("The linked disclosure does not exist."))
    if village is None:
        return link
    if item_id is not None:
        item = db.session.get(PowerItem, item_id)
        if item is None or item.village_id != village.id or item.retired_at is not None:
            errors.add("power_item", _l("The linked power item does not exist."))
        else:
            link.power_item = item
    if seq is not None:
        steps = {s.get("seq"): s for s in (link.power_item.steps if link.power_item else []) if isinstance(s, dict)}
        if seq not in steps:
            errors.add("step", _l("The linked step does not exist."))
        else:
            link.step = steps[seq]
    if disc_id is not None:
        disclosure = db.session.get(Disclosure, disc_id)
        if disclosure is None or disclosure.village_id != village.id or disclosure.first_published_at is None:
            errors.add("disclosure", _l("The linked disclosure does not exist."))
        else:
            link.disclosure = disclosure
    return link


def resolve_payment(village: Village | None, payment_id, errors: Errors) -> PaymentLine | None:
    """The published payment line a complaint questions ("这笔不对" on the self-check), if it names one."""
    if payment_id in (None, ""):
        return None
    line = subsidies.get_line(payment_id, current_only=False)
    if line is None or village is None or line.village_id != village.id:
        errors.add("payment", _l("The linked payment does not exist."))
        return None
    return line


def clean(raw: dict, *, today_: date) -> tuple[dict, Errors]:
    """Check a submission's fields; return the cleaned values and the messages per field."""
    errors = Errors()
    village = find_village(raw.get("village"))
    if village is None:
        errors.add("village", _l("Choose your village from the list."))
    category = raw.get("category")
    if not isinstance(category, str) or category not in CATEGORIES:
        errors.add("category", _l("Choose what kind of problem it is."))
    about_whom = raw.get("about_whom") or None
    if about_whom is not None and about_whom not in ABOUT_WHOM:
        errors.add("about_whom", _l("Choose who the problem is about: village cadres, township officials, or "
                                    "'I am not sure'."))
    # The API's older yes/no field says the same as choosing 乡镇干部.
    if parse_bool(raw.get("concerns_township_officials"), "concerns_township_officials", errors, False):
        about_whom = "township"
    data = {
        "village": village,
        "category": category,
        "about_whom": about_whom or "unknown",
        "about": clean_text(raw.get("about"), "about", errors, max_len=ABOUT_MAX, required=True),
        "description": clean_text(raw.get("description"), "description", errors, multiline=True, required=True,
                                  min_len=DESCRIPTION_MIN, max_len=DESCRIPTION_MAX,
                                  too_short=_l("Describe what happened in at least %(n)s characters.",
                                               n=DESCRIPTION_MIN)),
        "happened_on": parse_past_date(raw.get("happened_on"), "happened_on", errors, today_),
        "anonymous": parse_bool(raw.get("anonymous"), "anonymous", errors, True),
        "link": resolve_link(village, raw.get("power_item"), raw.get("step"), raw.get("disclosure"), errors),
        "payment": resolve_payment(village, raw.get("payment"), errors),
        "contact": None,
        "sms": False,
    }
    if not data["anonymous"]:
        name = clean_text(raw.get("contact_name"), "contact_name", errors, max_len=NAME_MAX, required=True)
        phone = normalize_phone(raw.get("contact_phone"), "contact_phone", errors)
        data["contact"] = {"name": name, "phone": phone}
        # Ticking the box is the consent; texts go to mobiles only, never for an anonymous report.
        data["sms"] = parse_bool(raw.get("notify_sms"), "notify_sms", errors, False)
        if data["sms"] and phone is not None and not is_mobile(phone):
            errors.add("notify_sms", _l("Text messages can only go to a mobile number (11 digits starting with 1). "
                                        "Enter a mobile number above, or leave this box unticked."))
    return data, errors


def store_files(files, errors: Errors, field: str = "files", max_files: int = MAX_FILES) -> list:
    """Check and store uploaded evidence; report problems in errors. Returns the StoredFiles."""
    chosen = [f for f in (files or []) if getattr(f, "filename", None)]
    if len(chosen) > max_files:
        errors.add(field, _l("Attach at most %(n)s files.", n=max_files))
        return []
    stored, cap = [], current_app.config.get("COMPLAINT_FILES_MAX_BYTES", 20 * 1024 * 1024)
    for f in chosen:
        try:
            stored.append(store_upload(f, allowed=FILE_TYPES, field=field))
        except PortalError as exc:
            errors.add(field, exc.message)
    if sum(s.size for s in stored) > cap:
        errors.add(field, _l("The files together are larger than %(mb)s MB.", mb=round(cap / 2**20)))
    return stored


def discard(stored) -> None:
    """Delete stored files whose complaint was not saved."""
    for s in stored:
        remove_upload(s.stored_name)


def attach(complaint: Complaint, stored, event_id: int | None = None) -> None:
    """Link stored files to a stored case (and the event that brought them)."""
    for s in stored:
        db.session.add(ComplaintAttachment(complaint_id=complaint.id, event_id=event_id,
                                           stored_name=s.stored_name,
                                           original_name=s.original_name, mime_type=s.mime_type,
                                           size=s.size, sha256=s.sha256))


@dataclass
class NewCase:
    """A complaint ready to be stored, with what its write transaction needs and should not read itself."""

    complaint: Complaint
    county_code: str
    addresses: list[str]  # the handlers to tell
    village_name: str


def _prepare(data: dict, receipt_hash: str, channel: str) -> NewCase:
    """Route a cleaned submission and build its case, reading everything that is read, writing nothing.

    A routing rule, official or handler changed between this read and the write is as if the complaint
    had come a moment earlier.
    """
    village, link, payment = data["village"], data["link"], data["payment"]
    contact = encrypt_text(json.dumps(data["contact"], ensure_ascii=False)) if data["contact"] else None
    # Chosen 乡镇干部, or a listed township official or the township's own handler named anywhere.
    concerns = conflict_reason(village.township_id, data["about_whom"],
                               [data["about"], data["description"]]) is not None
    level, reason = route(village.township_id, data["category"], concerns)
    complaint = Complaint(
        receipt_hash=receipt_hash, village_id=village.id, township_id=village.township_id,
        handling_level=level, escalation_reason=reason, category=data["category"], about=data["about"],
        description=data["description"], happened_on=data["happened_on"],
        concerns_township_officials=concerns,
        power_item_id=link.power_item.id if link.power_item else None,
        power_step_seq=link.step.get("seq") if link.step else None,
        disclosure_id=payment.disclosure_id if payment else link.disclosure.id if link.disclosure else None,
        power_item_revision_id=link.power_item.current_revision_id if link.power_item else None,
        # A payment line pins the very revision the resident saw it in.
        disclosure_revision_id=payment.revision_id if payment else
        link.disclosure.current_revision_id if link.disclosure else None,
        subsidy_payment_id=payment.id if payment else None,
        anonymous=data["anonymous"], contact_encrypted=contact, sms_opt_in=data["sms"],
        channel=channel, status=Status.RECEIVED,
    )
    return NewCase(complaint, village.township.county.code, notify.unit_addresses(level, village.township_id),
                   village.name)


def submit(raw: dict, files=(), *, channel: str = "portal", kept=(), entered_by=None,
           intake_note: str | None = None, extra_errors: Errors | None = None,
           staff_entry: dict | None = None) -> tuple[Complaint, str]:
    """File and commit a complaint; return it and its receipt (shown once, stored only as a hash).

    ``kept`` are files already checked and stored while the resident filled in
    the stepwise form. Staff who enter a complaint received by phone, letter or visit
    pass themselves as ``entered_by`` and say how it came in ``intake_note`` (an internal
    event); their own checks arrive in ``extra_errors``. Raise PortalError with messages
    per field when anything is wrong; then nothing new is stored (kept files stay for another try).
    """
    data, errors = clean(raw, today_=today())
    for field_name, messages in (extra_errors.items() if extra_errors else ()):
        for message in messages:
            errors.add(field_name, message)
    # The text is checked first: a refused form costs no image decoding or PDF rewriting.
    fresh = [] if errors else store_files(files, errors, max_files=MAX_FILES - len(kept))
    stored = list(kept) + fresh
    if errors:
        discard(fresh)
        raise PortalError(errors=errors)
    try:
        # The receipt's hash, the encryption and every read run before the write transaction.
        receipt = new_receipt()
        new = _prepare(data, hash_receipt(receipt), channel)
        complaint = new.complaint
        # Only what must be serial runs inside it: on SQLite it holds the database's one writer lock.
        begin_write()
        year = today().year
        complaint.case_number = next_case_number(new.county_code, year)
        complaint.public_reference = new_reference(year)
        db.session.add(complaint)
        if staff_entry is not None:
            db.session.add(StaffEntry(complaint=complaint, entered_by_id=getattr(entered_by, "id", None),
                                      **staff_entry))
        db.session.flush()  # the case's id; its event, audit entry and mail are plain rows
        event_id = write_event(complaint, "status", None, to_status=Status.RECEIVED)
        if intake_note:
            event_id = write_event(complaint, "intake", entered_by, body=intake_note, public=False)
        attach(complaint, stored, event_id)
        write_case_audit("complaint_received", complaint, entered_by, f"channel {channel}" if entered_by else None)
        notify.new_case(complaint, new.addresses, new.village_name)
        commit_keeping_loaded()
    except BaseException:
        db.session.rollback()
        discard(fresh)
        raise
    return complaint, receipt

