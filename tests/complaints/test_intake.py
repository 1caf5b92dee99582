"""Public intake: the form, storing a complaint, the receipt shown once."""
import html
import io
import json
import re

import pytest

from portal.complaints.models import Complaint, ComplaintAttachment, ComplaintEvent
from portal.core.crypto import decrypt_text
from portal.disclosures.models import Disclosure
from portal.extensions import db
from portal.places.models import Village
from portal.powers.models import PowerItem
from tests.complaints.conftest import DESCRIPTION, case_data, complaint_count, jpeg_bytes, pdf_bytes
from tests.demo_ids import FAR_VILLAGE, VILLAGE

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")

NEW = "/complaints/new"


def _village(code=VILLAGE):
    return db.session.query(Village).filter_by(code=code).one()


def test_form_with_a_village_shows_it_and_the_categories_with_explanations(client):
    page = client.get(f"{NEW}?all=1&village={VILLAGE}").get_data(as_text=True)  # every question on one page
    assert "上塘村" in page and 'name="village" value="339901101202"' in page
    assert "<select" not in page.split('id="field-category"')[0].split('id="field-village"')[1]
    assert page.count('name="category"') == 13
    assert 'name="anonymous" value="1" checked' in page
    assert 'enctype="multipart/form-data"' in page


def test_form_without_a_village_offers_villages_grouped_by_township(client):
    page = client.get(f"{NEW}?all=1").get_data(as_text=True)
    assert '<optgroup label="白石镇">' in page and '<optgroup label="东山乡">' in page
    assert page.count("<option value=\"3399") == 9


def test_form_shows_the_linked_power_item_and_step(client):
    item = db.session.query(PowerItem).filter_by(village_id=_village().id, code="QX-B-01").one()
    page = client.get(f"{NEW}?all=1&village={VILLAGE}&power_item={item.id}&step=2").get_data(as_text=True)
    about = page.split('class="card report-about"')[1].split("</div>")[0]
    assert item.title in about and html.escape(item.steps[1]["action"], quote=False) in about
    assert f'name="power_item" value="{item.id}"' in page and 'name="step" value="2"' in page


def test_a_link_to_another_villages_item_is_not_shown(client):
    item = db.session.query(PowerItem).filter_by(village_id=_village(FAR_VILLAGE).id, code="QX-B-01").one()
    page = client.get(f"{NEW}?all=1&village={VILLAGE}&power_item={item.id}").get_data(as_text=True)
    assert "report-about" not in page


def test_anonymous_complaint_is_stored_and_the_receipt_kept_until_saved(client, forms):
    before = complaint_count()
    response = forms.post(NEW, case_data(), form_url=f"{NEW}?village={VILLAGE}")
    assert response.status_code == 303 and response.headers["Location"].endswith("/complaints/receipt")
    assert complaint_count() == before + 1
    complaint = db.session.query(Complaint).order_by(Complaint.id.desc()).first()
    assert complaint.anonymous and complaint.contact_encrypted is None
    assert complaint.status == "received" and complaint.handling_level == "township"
    assert complaint.description == DESCRIPTION and complaint.channel == "portal"
    assert re.fullmatch(r"339901-\d{4}-\d{6}", complaint.case_number)
    page = client.get("/complaints/receipt").get_data(as_text=True)
    assert complaint.public_reference in page and complaint.case_number not in page
    shown = re.search(r'class="receipt-code"[^>]*>([\d ]+)<', page).group(1)
    assert re.fullmatch(r"\d{4}( \d{4}){4}", shown)
    assert shown in client.get("/complaints/receipt").get_data(as_text=True)  # a reload keeps it
    forms.post("/complaints/receipt/saved", {}, form_url="/complaints/receipt")
    again = client.get("/complaints/receipt").get_data(as_text=True)
    assert shown not in again and complaint.case_number not in again
    events = db.session.query(ComplaintEvent).filter_by(complaint_id=complaint.id).all()
    assert [(e.kind, e.to_status, e.public) for e in events] == [("status", "received", True)]


def test_real_name_contact_is_encrypted_at_rest(client, forms):
    data = case_data(anonymous="0", contact_name="王小明", contact_phone="138 1234 5678")
    assert forms.post(NEW, data, form_url=NEW).status_code == 303
    complaint = db.session.query(Complaint).order_by(Complaint.id.desc()).first()
    assert not complaint.anonymous
    assert "王小明" not in complaint.contact_encrypted and "13812345678" not in complaint.contact_encrypted
    assert json.loads(decrypt_text(complaint.contact_encrypted)) == {"name": "王小明", "phone": "13812345678"}


def test_landline_numbers_are_accepted(file_case):
    complaint, _ = file_case(anonymous="0", contact_name="李四", contact_phone="0571-8888 6666")
    assert json.loads(decrypt_text(complaint.contact_encrypted))["phone"] == "0571-88886666"


def test_contact_is_dropped_when_anonymous_is_chosen(file_case):
    complaint, _ = file_case(anonymous="1", contact_name="王小明", contact_phone="13812345678")
    assert complaint.anonymous and complaint.contact_encrypted is None


def test_linked_item_step_and_disclosure_are_stored(client, forms):
    village = _village()
    item = db.session.query(PowerItem).filter_by(village_id=village.id, code="QX-B-01").one()
    disclosure = db.session.query(Disclosure).filter_by(village_id=village.id).first()
    data = case_data(power_item=str(item.id), step="2", disclosure=str(disclosure.id))
    assert forms.post(NEW, data, form_url=NEW).status_code == 303
    complaint = db.session.query(Complaint).order_by(Complaint.id.desc()).first()
    assert (complaint.power_item_id, complaint.power_step_seq, complaint.disclosure_id) == (item.id, 2, disclosure.id)


def test_files_are_stored_cleaned_and_keep_their_chinese_names(client, forms, app):
    data = case_data(files=[(io.BytesIO(jpeg_bytes(gps=True)), "现场照片.jpg"), (io.BytesIO(pdf_bytes()), "名单.pdf")])
    response = forms.post(NEW, data, form_url=NEW, content_type="multipart/form-data")
    assert response.status_code == 303
    complaint = db.session.query(Complaint).order_by(Complaint.id.desc()).first()
    files = (db.session.query(ComplaintAttachment).filter_by(complaint_id=complaint.id)
             .order_by(ComplaintAttachment.id).all())
    assert [f.original_name for f in files] == ["现场照片.jpg", "名单.pdf"]
    assert [f.mime_type for f in files] == ["image/jpeg", "application/pdf"]
    stored = (app.config["UPLOAD_DIR"] + "/" + files[0].stored_name)
    with open(stored, "rb") as fh:
        assert b"Exif" not in fh.read()
    assert files[0].event_id is not None


def test_bad_input_shows_messages_beside_fields_keeps_text_and_stores_nothing(client, forms):
    before = complaint_count()
    data = case_data(category="", description="太短", about="村会计<b>", happened_on="2999-01-01",
                     anonymous="0", contact_name="", contact_phone="12345")
    response = forms.post(NEW, data, form_url=f"{NEW}?village={VILLAGE}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for field in ("category", "description", "happened_on", "contact_name", "contact_phone"):
        assert f'id="error-{field}"' in page, field
    assert 'class="error-summary"' in page
    assert "村会计&lt;b&gt;" in page and ">太短</textarea>" in page and 'value="12345"' in page
    assert complaint_count() == before


def test_grievance_and_other_categories_all_work(file_case):
    for category in ("grievance", "retaliation", "election"):
        complaint, _ = file_case(category=category)
        assert complaint.category == category


def test_intake_is_rate_limited_per_address_with_a_chinese_message(client, forms):
    for _ in range(10):
        assert forms.post(NEW, case_data(), form_url=NEW).status_code == 303
    blocked = forms.post(NEW, case_data(), form_url=NEW)
    assert blocked.status_code == 429 and "次数过多" in blocked.get_data(as_text=True)
    elsewhere = client.post(NEW, environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert elsewhere.status_code != 429


def test_refused_submissions_do_not_use_up_the_filing_allowance(forms):
    for _ in range(12):
        assert forms.post(NEW, case_data(description="短"), form_url=NEW).status_code == 400
    assert forms.post(NEW, case_data(), form_url=NEW).status_code == 303


def test_endless_refused_submissions_are_limited_too(app, forms):
    app.config["COMPLAINT_ATTEMPT_LIMIT"] = "5/hour"
    codes = [forms.post(NEW, case_data(description="短"), form_url=NEW).status_code for _ in range(6)]
    assert codes == [400] * 5 + [429]
