"""Who may see complaints in triage: the handlers of the case only; everyone else is refused the contents."""
import io

import pytest

from portal.complaints.models import Complaint
from portal.core.audit import AuditEntry
from portal.extensions import db
from portal.places.models import Village
from portal.powers.models import PowerItem
from tests.complaints.conftest import DESCRIPTION, jpeg_bytes
from tests.demo_ids import VILLAGE

STAFF_ADDR = {"REMOTE_ADDR": "198.51.100.23"}


@pytest.fixture
def case(app, file_case):
    with app.app_context():  # the case comes back detached, its columns loaded
        item = db.session.query(PowerItem).join(Village).filter(Village.code == VILLAGE,
                                                                PowerItem.code == "QX-B-01").one()
        complaint, _ = file_case(files=[_jpeg()], anonymous="0", contact_name="王小明", contact_phone="13812345678",
                                 power_item=str(item.id), step="2")
        db.session.refresh(complaint)
        return complaint


def _jpeg():
    from werkzeug.datastructures import FileStorage

    return FileStorage(io.BytesIO(jpeg_bytes()), filename="照片.jpg", content_type="image/jpeg")


def _urls(complaint):
    from portal.complaints.models import ComplaintAttachment

    attachment = db.session.query(ComplaintAttachment).filter_by(complaint_id=complaint.id).first()
    n = complaint.case_number
    return [f"/triage/{n}", f"/triage/{n}/contact", f"/triage/{n}/files/{attachment.id}"]


def test_anonymous_visitors_are_sent_to_sign_in(ctx, client, case):
    for url in ["/triage/", "/triage/audit", *_urls(case)]:
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url
    assert client.post(f"/triage/{case.case_number}/act", data={"action": "accept"}).status_code in (302, 400)


@pytest.mark.parametrize("username", ["cadre_shangtang", "county_admin"])
def test_cadres_and_the_admin_get_403_on_the_area_and_404_on_a_case(ctx, client, login_as, case, username):
    login_as(username)
    assert client.get("/triage/").status_code == 403
    assert client.get("/triage/audit").status_code == 403
    for url in _urls(case):
        response = client.get(url)
        assert response.status_code == 404, url
        assert DESCRIPTION not in response.get_data(as_text=True)


def test_a_handler_of_another_township_sees_neither_the_case_nor_its_files(ctx, client, login_as, case, forms):
    login_as("handler_dongshan")
    inbox = client.get("/triage/").get_data(as_text=True)
    assert case.case_number not in inbox
    for url in _urls(case):
        response = client.get(url)
        assert response.status_code == 404 and DESCRIPTION not in response.get_data(as_text=True), url
    response = forms.post(f"/triage/{case.case_number}/act", {"action": "accept"}, form_url="/complaints/track")
    assert response.status_code == 404
    assert db.session.get(Complaint, case.id).status == "received"


def test_refused_and_missing_cases_look_the_same(client, login_as, case):
    login_as("handler_dongshan")
    refused = client.get(f"/triage/{case.case_number}")
    missing = client.get("/triage/339901-2099-999999")
    assert refused.status_code == missing.status_code == 404
    # Only the echoed address (language links) differs.
    assert refused.get_data(as_text=True).replace(case.case_number, "X") == \
        missing.get_data(as_text=True).replace("339901-2099-999999", "X")


def test_the_handler_of_the_case_reads_it_with_the_linked_power_item(ctx, client, login_as, case):
    login_as("handler_baishi")
    assert case.case_number in client.get("/triage/").get_data(as_text=True)
    page = client.get(f"/triage/{case.case_number}", environ_base=STAFF_ADDR).get_data(as_text=True)
    assert DESCRIPTION in page and "限额以上工程招投标" in page and "《招标投标法》" in page
    assert "王小明" not in page and "13812345678" not in page
    entry = db.session.query(AuditEntry).filter_by(action="complaint_viewed", object_id=str(case.id)).one()
    assert entry.username == "handler_baishi" and entry.remote_addr == "198.51.100.23"
    assert 'name="action" value="accept"' in page and 'name="action" value="recuse"' in page


def test_revealing_contact_details_is_audited(ctx, client, login_as, case):
    login_as("handler_baishi")
    page = client.get(f"/triage/{case.case_number}/contact").get_data(as_text=True)
    assert "王小明" in page and "13812345678" in page
    entry = db.session.query(AuditEntry).filter_by(action="contact_viewed", object_id=str(case.id)).one()
    assert entry.username == "handler_baishi"


def test_attachments_are_served_only_as_sandboxed_downloads(ctx, client, login_as, case):
    login_as("handler_baishi")
    response = client.get(_urls(case)[2])
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "filename*=UTF-8''%E7%85%A7%E7%89%87.jpg" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    assert db.session.query(AuditEntry).filter_by(action="attachment_viewed", object_id=str(case.id)).count() == 1


def test_county_handlers_see_every_case_its_audit_log_and_the_global_log(client, login_as, case):
    login_as("handler_baishi")
    client.get(f"/triage/{case.case_number}")
    login_as("county_handler")
    page = client.get(f"/triage/{case.case_number}").get_data(as_text=True)
    assert DESCRIPTION in page and "handler_baishi" in page
    log = client.get("/triage/audit")
    assert log.status_code == 200 and "complaint_viewed" in log.get_data(as_text=True)
    assert "<form method=\"post\"" not in log.get_data(as_text=True)


def test_township_handlers_cannot_open_the_global_audit_log(client, login_as):
    login_as("handler_baishi")
    assert client.get("/triage/audit").status_code == 403


def test_a_recused_handler_loses_the_case(client, login_as, case, forms):
    login_as("handler_baishi")
    url = f"/triage/{case.case_number}"
    response = forms.post(f"{url}/act", {"action": "recuse", "reason": "被反映人是我的亲戚"}, form_url=url)
    assert response.status_code == 303 and response.headers["Location"].endswith("/triage/")
    assert client.get(url).status_code == 404


def test_every_triage_url_refuses_a_cadre(app, client, login_as, case):
    from tests.conftest import csrf_from

    login_as("cadre_shangtang")
    token = csrf_from(client.get("/complaints/track").get_data(as_text=True))
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/triage"):
            continue
        url = rule.rule.replace("<case_number>", case.case_number).replace("<int:attachment_id>", "1")
        method = "POST" if "POST" in rule.methods and "GET" not in rule.methods else "GET"
        response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code in (403, 404), url
        assert DESCRIPTION not in response.get_data(as_text=True)
