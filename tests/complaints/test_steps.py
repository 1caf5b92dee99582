"""The complaint form one question per page: no JavaScript needed, answers and photos kept, back links."""
import io
import re

from portal.complaints.models import Complaint, ComplaintAttachment
from portal.extensions import db
from tests.complaints.conftest import DESCRIPTION, complaint_count, jpeg_bytes
from tests.demo_ids import VILLAGE

STEP = "/complaints/new/"


def _post(client, forms, step: str, data: dict, **kwargs):
    return forms.post(STEP + step, data, form_url=STEP + step, **kwargs)


def _start(client, village=VILLAGE):
    response = client.get(f"/complaints/new?village={village}" if village else "/complaints/new")
    assert response.status_code == 303
    return response.headers["Location"]


def _walk(client, forms, **answers):
    """Answer every question as a resident would; return the check page."""
    assert _start(client).endswith("/complaints/new/what")  # the poster's village: no village question
    steps = [("what", {"description": DESCRIPTION}), ("who", {"about_whom": "village", "about": "村主任"}),
             ("kind", {"category": answers.get("category", "integrity")}),
             ("name", {"anonymous": answers.get("anonymous", "1")})]
    if answers.get("anonymous") == "0":
        steps.append(("contact", {"contact_name": "王小明", "contact_phone": "13812345678"}))
    for step, data in steps:
        response = _post(client, forms, step, data, content_type="multipart/form-data")
        assert response.status_code == 303, (step, response.get_data(as_text=True)[:3000])
    assert response.headers["Location"].endswith("/complaints/new/check")
    return client.get(STEP + "check").get_data(as_text=True)


def test_the_entry_url_starts_one_question_per_page_with_the_village_from_the_qr_code(client):
    assert _start(client).endswith("/complaints/new/what")
    page = client.get(STEP + "what").get_data(as_text=True)
    assert "上塘村" in page and page.count("<h1>") == 1 and 'name="category"' not in page
    assert 'name="voice"' in page and 'name="files"' in page


def test_without_a_village_the_first_question_asks_for_it(client, forms):
    assert _start(client, village=None).endswith("/complaints/new/village")
    response = _post(client, forms, "village", {"village": ""})
    assert response.status_code == 400 and 'id="error-village"' in response.get_data(as_text=True)
    assert _post(client, forms, "village", {"village": VILLAGE}).headers["Location"].endswith("/new/what")


def test_a_whole_report_is_filed_from_the_check_page(ctx, client, forms):
    page = _walk(client, forms)
    assert DESCRIPTION in page and "村主任" in page and "/complaints/new/what?change=1" in page
    before = complaint_count()
    response = forms.post(STEP + "check", {}, form_url=STEP + "check")
    assert response.status_code == 303 and response.headers["Location"].endswith("/complaints/receipt")
    assert complaint_count() == before + 1
    complaint = db.session.query(Complaint).order_by(Complaint.id.desc()).first()
    assert complaint.description == DESCRIPTION and complaint.anonymous and complaint.category == "integrity"
    assert client.get(STEP + "check").status_code == 303  # the draft is gone once filed


def test_unsure_of_the_kind_files_it_for_the_handler_to_classify(ctx, client, forms):
    _walk(client, forms, category="unclassified")
    forms.post(STEP + "check", {}, form_url=STEP + "check")
    assert db.session.query(Complaint).order_by(Complaint.id.desc()).first().category == "unclassified"


def test_contact_questions_only_when_the_resident_gives_a_name(client, forms):
    page = _walk(client, forms, anonymous="0")
    assert "王小明" in page
    assert client.get(STEP + "what").status_code == 200
    _post(client, forms, "name", {"anonymous": "1"})
    assert client.get(STEP + "contact").status_code == 303  # anonymous: no contact page
    assert "王小明" not in client.get(STEP + "check").get_data(as_text=True)


def test_back_links_keep_every_answer(client, forms):
    _walk(client, forms)
    kind = client.get(STEP + "kind").get_data(as_text=True)
    assert 'href="/complaints/new/who"' in kind  # the back link
    assert 'value="integrity" checked' in kind
    assert 'value="村主任"' in client.get(STEP + "who").get_data(as_text=True)
    assert DESCRIPTION in client.get(STEP + "what").get_data(as_text=True)


def test_a_photo_survives_a_validation_error_and_reaches_the_case(ctx, client, forms):
    _start(client)
    response = _post(client, forms, "what", {"description": "太短", "files": (io.BytesIO(jpeg_bytes(gps=True)), "现场.jpg")},
                     content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="error-description"' in page
    assert "现场.jpg" in page and 'name="remove"' in page  # kept on the server, shown, removable
    assert _post(client, forms, "what", {"description": DESCRIPTION},
                 content_type="multipart/form-data").status_code == 303
    for step, data in (("who", {"about": "村主任"}), ("kind", {"category": "integrity"}), ("name", {"anonymous": "1"})):
        _post(client, forms, step, data)
    assert "现场.jpg" in client.get(STEP + "check").get_data(as_text=True)
    forms.post(STEP + "check", {}, form_url=STEP + "check")
    complaint = db.session.query(Complaint).order_by(Complaint.id.desc()).first()
    files = db.session.query(ComplaintAttachment).filter_by(complaint_id=complaint.id).all()
    assert [f.original_name for f in files] == ["现场.jpg"]


def test_a_removed_photo_is_deleted(app, client, forms):
    from pathlib import Path

    _start(client)
    _post(client, forms, "what", {"description": DESCRIPTION, "files": (io.BytesIO(jpeg_bytes()), "a.jpg")},
          content_type="multipart/form-data")
    page = client.get(STEP + "what").get_data(as_text=True)
    stored = re.search(r'name="remove" value="([0-9a-f]{32}\.jpg)"', page).group(1)
    assert (Path(app.config["UPLOAD_DIR"]) / stored).exists()
    _post(client, forms, "what", {"description": DESCRIPTION, "remove": stored}, content_type="multipart/form-data")
    assert not (Path(app.config["UPLOAD_DIR"]) / stored).exists()
    assert "a.jpg" not in client.get(STEP + "what").get_data(as_text=True)


def test_a_disguised_voice_note_is_refused_beside_its_field(client, forms):
    _start(client)
    response = _post(client, forms, "what", {"description": DESCRIPTION,
                                             "voice": (io.BytesIO(jpeg_bytes()), "录音.mp3")},
                     content_type="multipart/form-data")
    assert response.status_code == 400 and 'id="error-voice"' in response.get_data(as_text=True)


def test_an_unknown_step_is_404_and_a_lost_draft_starts_again(client, forms):
    assert client.get(STEP + "nonsense").status_code == 404
    assert client.get(STEP + "who").status_code == 303


def test_a_report_about_township_officials_goes_to_the_county(ctx, client, forms):
    _start(client)
    _post(client, forms, "what", {"description": DESCRIPTION}, content_type="multipart/form-data")
    _post(client, forms, "who", {"about_whom": "township", "about": "镇干部"})
    _post(client, forms, "kind", {"category": "integrity"})
    _post(client, forms, "name", {"anonymous": "1"})
    forms.post(STEP + "check", {}, form_url=STEP + "check")
    assert db.session.query(Complaint).order_by(Complaint.id.desc()).first().handling_level == "county"
