""""这笔不对": from a payment line of the self-check to a complaint linked to that line and its revision."""
import re

from sqlalchemy import select

from portal.complaints.models import Complaint
from portal.extensions import db
from portal.subsidies.models import PaymentLine
from subsidies.conftest import HE_XIULAN

STEP = "/complaints/new/"


def _answer(forms, step: str, data: dict):
    response = forms.post(STEP + step, data, form_url=STEP + step, content_type="multipart/form-data")
    assert response.status_code == 303, (step, response.get_data(as_text=True)[:2000])
    return response


def test_wrong_payment_button_opens_a_prefilled_subsidy_complaint_linked_to_the_line(ctx, client, forms, english):
    result = forms.post("/subsidies/check", {"id_number": HE_XIULAN[0], "name": HE_XIULAN[1]}).get_data(as_text=True)
    payment_id = int(re.search(r'name="payment" value="(\d+)"', result).group(1))
    token = re.search(r'name="csrf_token" value="([^"]+)"', result).group(1)
    begun = client.post("/complaints/new/payment", data={"csrf_token": token, "payment": payment_id})
    assert begun.status_code == 303 and begun.headers["Location"].endswith("/complaints/new/what")
    what = client.get(STEP + "what").get_data(as_text=True)
    assert "You are reporting about:" in what and "耕地地力保护补贴" in what
    assert "412.30" in what and "row 2" in what.lower()  # the line, in the description to complete
    line = db.session.get(PaymentLine, payment_id)
    _answer(forms, "what", {"description": f"Row 2 of “{line.revision.title}”: 412.30 yuan. 我只收到300元。"})
    who = client.get(STEP + "who").get_data(as_text=True)
    assert "Payment of 耕地地力保护补贴 to 何秀兰" in who
    _answer(forms, "who", {"about_whom": "village", "about": "Payment of 耕地地力保护补贴 to 何秀兰 (溪口村)"})
    kind = client.get(STEP + "kind").get_data(as_text=True)
    assert re.search(r'value="subsidy_fraud"[^>]*checked', kind)
    _answer(forms, "kind", {"category": "subsidy_fraud"})
    _answer(forms, "name", {"anonymous": "1"})
    sent = forms.post(STEP + "check", {}, form_url=STEP + "check")
    assert sent.status_code == 303
    complaint = db.session.scalar(select(Complaint).order_by(Complaint.id.desc()))
    assert complaint.category == "subsidy_fraud" and complaint.subsidy_payment_id == payment_id
    assert complaint.disclosure_id == line.disclosure_id and complaint.disclosure_revision_id == line.revision_id
    assert complaint.village.code == "339901101203"


def test_unknown_payment_line_is_404_and_get_is_not_allowed(client, forms):
    page = client.get("/subsidies/check").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/complaints/new/payment", data={"csrf_token": token, "payment": "999999"}).status_code == 404
    assert client.post("/complaints/new/payment", data={"csrf_token": token, "payment": "x"}).status_code == 404
    assert client.get("/complaints/new/payment").status_code in (404, 405)

