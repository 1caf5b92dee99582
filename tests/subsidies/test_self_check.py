"""The 一卡通 self-check at /subsidies/check: one's own payments, nobody else's, nothing kept or logged."""
import logging

from sqlalchemy import func, select

from portal.core.audit import AuditEntry
from portal.extensions import db
from subsidies.conftest import HE_XIULAN, UNKNOWN_VALID_ID, WU_CHANGGEN

UNIFORM = "No payment to this ID card number and name was found in the published payment lists."


def _check(forms, id_number: str, name: str):
    return forms.post("/subsidies/check", {"id_number": id_number, "name": name})


def test_resident_sees_own_payment_with_amount_item_period_and_list(client, forms, english):
    response = _check(forms, HE_XIULAN[0], HE_XIULAN[1])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "412.30" in page and "耕地地力保护补贴" in page and "溪口村" in page
    assert "339901********0023" in page  # the typed number comes back masked only
    assert HE_XIULAN[0] not in page
    assert "郑春生" not in page and "499.10" not in page  # nobody else's row
    assert "/villages/339901101203/disclosures/" in page and "revision=1" in page
    assert "This payment is wrong" in page
    assert response.headers["Cache-Control"] == "no-store"


def test_typed_id_may_have_spaces_full_width_digits_and_small_x(forms, english):
    spaced = "３３９９０１ 19750822 0023"
    page = _check(forms, spaced, " 何秀兰 ").get_data(as_text=True)
    assert "412.30" in page


def test_duplicate_rows_show_both_payments_to_the_person(forms, english):
    page = _check(forms, *WU_CHANGGEN).get_data(as_text=True)
    assert page.count("651.00") >= 2


def test_wrong_name_unknown_person_and_unpaid_get_one_answer(forms, english):
    wrong_name = _check(forms, HE_XIULAN[0], "何秀英")
    unknown = _check(forms, UNKNOWN_VALID_ID, "张三")
    for response in (wrong_name, unknown):
        assert response.status_code == 200
        assert UNIFORM in response.get_data(as_text=True)
        assert "412.30" not in response.get_data(as_text=True)
    assert _body_without_masked(wrong_name) == _body_without_masked(unknown)


def _body_without_masked(response) -> str:
    import re

    text = response.get_data(as_text=True)
    text = re.sub(r'name="csrf_token" value="[^"]+"', "", text)
    return re.sub(r'<p class="muted">[^<]*</p>', "", text, count=1)


def test_bad_id_number_is_refused_beside_the_field_and_kept(forms, english):
    response = _check(forms, "339901197508220024", "何秀兰")  # last digit wrong
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="error-id_number"' in page and "not valid" in page
    assert 'value="339901197508220024"' in page and 'value="何秀兰"' in page
    short = _check(forms, "33990119750822", "").get_data(as_text=True)
    assert "18 characters" in short and 'id="error-name"' in short


def test_chinese_page_and_messages(client, forms):
    client.set_cookie("lang", "zh")
    assert "身份证号" in client.get("/subsidies/check").get_data(as_text=True)
    page = _check(forms, "339901197508220024", "何秀兰").get_data(as_text=True)
    assert "身份证号码不正确" in page


def test_lookup_is_not_logged_nor_audited(ctx, app, forms, english, caplog):
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    with caplog.at_level(logging.DEBUG):
        _check(forms, *HE_XIULAN)
        _check(forms, "339901197508220024", "何秀兰")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert HE_XIULAN[0] not in logged and "何秀兰" not in logged and "197508220" not in logged
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_get_with_query_string_looks_nothing_up(client, english):
    page = client.get(f"/subsidies/check?id_number={HE_XIULAN[0]}&name=何秀兰").get_data(as_text=True)
    assert "412.30" not in page and 'value="339901' not in page


def test_rate_limit_refuses_further_lookups(app, forms, english):
    app.config["SUBSIDY_CHECK_LIMIT"] = "5/minute"
    codes = [_check(forms, UNKNOWN_VALID_ID, "张三").status_code for _ in range(8)]
    refused = codes.count(429)
    assert codes[:5] == [200] * 5 and refused == 3
    # The API shares the allowance with the page.
    assert forms.client.post("/api/v1/subsidies/check", json={"id_number": HE_XIULAN[0], "name": "何秀兰"}
                             ).status_code == 429
    print(f"lookups refused by the rate limit: {refused} of {len(codes)}")


def test_api_answers_payments_errors_and_one_empty_answer(client):
    found = client.post("/api/v1/subsidies/check", json={"id_number": HE_XIULAN[0], "name": "何秀兰"})
    assert found.status_code == 200 and found.headers["Cache-Control"] == "no-store"
    payment = found.get_json()["payments"][0]
    assert payment["amount"] == "412.30" and payment["item"] == "耕地地力保护补贴"
    assert payment["village"] == "339901101203" and payment["revision"] == 1 and payment["row"] == 2
    none = client.post("/api/v1/subsidies/check", json={"id_number": UNKNOWN_VALID_ID, "name": "张三"})
    assert none.status_code == 200 and none.get_json() == {"payments": []}
    bad = client.post("/api/v1/subsidies/check", json={"id_number": "123", "name": ""})
    assert bad.status_code == 400 and set(bad.get_json()["errors"]) == {"id_number", "name"}
    assert client.post("/api/v1/subsidies/check", data="x", content_type="text/plain").status_code == 400
    assert client.get("/api/v1/subsidies/check").status_code == 405


def test_openapi_documents_the_self_check(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/subsidies/check"]["post"]
    assert set(operation["responses"]) == {"200", "400", "429"}
    assert "SubsidyCheckRequest" in document["components"]["schemas"]
