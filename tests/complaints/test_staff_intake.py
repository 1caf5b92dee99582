"""Complaints received by phone, letter or visit, or filed for a neighbour: entered by staff through the
same intake, with the channel and the resident's consent recorded, and a receipt slip shown once."""
import io
import re

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.complaints.models import Complaint, ComplaintAttachment, ComplaintEvent, StaffEntry
from portal.complaints.tracking import find_by_receipt
from portal.core.audit import AuditEntry
from portal.extensions import db
from tests.complaints.conftest import complaint_count, jpeg_bytes
from tests.demo_ids import VILLAGE

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")


def _base(**changes) -> dict:
    data = {"village": VILLAGE, "category": "integrity", "about": "村会计", "channel": "letter",
            "description": "来信反映：村会计虚报误工补贴三千元，附手写信一封。", "anonymous": "1"}
    data.update(changes)
    return data


def _post(forms, data, files=None):
    payload = dict(data)
    if files:
        payload["files"] = files
    return forms.post("/triage/new", payload, content_type="multipart/form-data")


def test_a_letter_is_filed_with_its_scan_and_the_slip_shows_the_receipt_once(client, login_as, forms):
    login_as("handler_baishi")
    client.set_cookie("lang", "en")
    before = complaint_count()
    response = _post(forms, _base(), files=[(io.BytesIO(jpeg_bytes()), "来信扫描.jpg")])
    assert response.status_code == 303 and response.headers["Location"].endswith("/triage/new/slip")
    slip = client.get("/triage/new/slip").get_data(as_text=True)
    receipt = re.search(r'class="receipt-code">([^<]+)<', slip).group(1)
    case_number = re.search(r"<dt>Case number</dt><dd>([^<]+)</dd>", slip).group(1)
    assert "Letter by post" in slip and "/complaints/track" in slip
    assert complaint_count() == before + 1
    complaint = db.session.scalar(select(Complaint).where(Complaint.case_number == case_number))
    assert complaint.channel == "letter" and find_by_receipt(receipt).id == complaint.id
    assert db.session.scalar(select(ComplaintAttachment.original_name).where(
        ComplaintAttachment.complaint_id == complaint.id)) == "来信扫描.jpg"
    intake = db.session.scalar(select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id,
                                                            ComplaintEvent.kind == "intake"))
    assert intake.public is False and intake.actor_id is not None and "Letter by post" in intake.body
    staff = db.session.scalar(select(StaffEntry).where(StaffEntry.complaint_id == complaint.id))
    assert staff.channel == "letter" and staff.entered_by_id == intake.actor_id
    assert staff.proxy_name is None and staff.consent_how is None and staff.entered_at is not None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "complaint_received",
                                                       AuditEntry.object_id == str(complaint.id)))
    assert entry.username == "handler_baishi"
    again = client.get("/triage/new/slip")
    assert again.status_code == 404 and receipt not in again.get_data(as_text=True)
    assert again.headers["Cache-Control"] == "no-store"


def test_proxy_filing_needs_the_residents_consent_and_says_how_it_was_given(client, login_as, forms):
    login_as("handler_baishi")
    client.set_cookie("lang", "en")
    before = complaint_count()
    response = _post(forms, _base(channel="proxy", proxy_name="李德明"))
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and complaint_count() == before
    assert 'href="#field-consent"' in text and 'href="#field-consent_how"' in text
    assert "来信反映" in text  # what was typed stays
    response = _post(forms, _base(channel="proxy", proxy_name="李德明", consent="1", consent_how="in_person"))
    assert response.status_code == 303
    complaint = db.session.scalar(select(Complaint).order_by(Complaint.id.desc()))
    assert complaint.channel == "proxy"
    body = db.session.scalar(select(ComplaintEvent.body).where(ComplaintEvent.complaint_id == complaint.id,
                                                               ComplaintEvent.kind == "intake"))
    assert "李德明" in body and "In person, in front of me" in body
    staff = db.session.scalar(select(StaffEntry).where(StaffEntry.complaint_id == complaint.id))
    assert (staff.channel, staff.proxy_name, staff.consent_how) == ("proxy", "李德明", "in_person")
    assert staff.entered_by_id == db.session.scalar(select(User.id).where(User.username == "handler_baishi"))


def test_the_same_intake_rules_apply(client, login_as, forms):
    login_as("handler_baishi")
    before = complaint_count()
    entries = db.session.scalar(select(func.count(StaffEntry.id)))
    for bad in (_base(description="太短"), _base(channel="fax"), _base(category="nope"),
                _base(anonymous="0", contact_name="", contact_phone="12")):
        assert _post(forms, bad).status_code == 400
    assert complaint_count() == before
    assert db.session.scalar(select(func.count(StaffEntry.id))) == entries


def test_a_handler_enters_only_for_villages_of_their_township(client, login_as, forms):
    from portal.places.models import Township, Village

    baishi = db.session.scalar(select(Village).where(Village.code == VILLAGE)).township_id
    elsewhere = db.session.scalar(select(Village).join(Township).where(Village.township_id != baishi))
    login_as("handler_baishi")
    before = complaint_count()
    assert _post(forms, _base(village=elsewhere.code)).status_code == 400
    assert complaint_count() == before
    assert elsewhere.code not in client.get("/triage/new").get_data(as_text=True)


def test_other_roles_cannot_enter_complaints(client, login_as):
    login_as("cadre_shangtang")
    assert client.get("/triage/new").status_code == 403
