"""Who sees what on the oversight pages: scope by township, counts only for the county admin."""
from datetime import date

import pytest
from demo_ids import FAR_VILLAGE, OTHER_VILLAGE, VILLAGE

TODAY = date(2025, 6, 30)
SECRET_ABOUT = "机密被举报人张三丰"
SECRET_TEXT = "机密举报内容：村会计私分集体资金"
PAGES = ("/oversight/", "/oversight/disclosures", "/oversight/overdue")


@pytest.fixture
def overdue_cases(add_complaint, monkeypatch):
    monkeypatch.setattr("portal.oversight.views.local_today", lambda: TODAY)
    own = add_complaint(OTHER_VILLAGE, status="in_progress", received=date(2025, 3, 3), accepted=date(2025, 3, 5),
                        about=SECRET_ABOUT, description=SECRET_TEXT)
    escalated = add_complaint(VILLAGE, status="in_progress", received=date(2025, 3, 3), accepted=date(2025, 3, 4),
                              handling_level="county")
    far = add_complaint(FAR_VILLAGE, status="received", received=date(2025, 4, 1))
    return own, escalated, far


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("path", PAGES)
def test_village_cadres_may_not_enter(client, as_user, path):
    as_user("cadre_shangtang")
    assert client.get(path).status_code == 403
    assert client.get(path + "?format=csv").status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_county_admin_sees_counts_but_no_case_numbers_or_contents(client, as_user, overdue_cases, path):
    as_user("county_admin")
    for query in ({}, {"format": "csv"}):
        response = client.get(path, query_string={"from": "2025-01-01", "to": "2025-06-30", **query})
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "339901-2025-" not in body and "/triage/" not in body
        assert SECRET_ABOUT not in body and SECRET_TEXT not in body


def test_county_admin_overdue_view_counts_per_township(client, as_user, overdue_cases):
    as_user("county_admin")
    body = client.get("/oversight/overdue", query_string={"format": "csv"}).get_data(as_text=True)
    assert "339901101,白石镇,2" in body and "339901201,东山乡,1" in body


def test_township_handler_sees_only_own_township_and_readable_cases(client, as_user, overdue_cases):
    own, escalated, far = overdue_cases
    as_user("handler_baishi")
    body = client.get("/oversight/", query_string={"from": "2025-01-01", "to": "2025-06-30"}).get_data(as_text=True)
    assert "白石镇" in body and "东山乡" not in body and "东山村" not in body
    assert f'href="/triage/{own.case_number}"' in body
    assert escalated.case_number not in body  # handled by the county: not readable by the township
    assert far.case_number not in body
    assert SECRET_TEXT not in body and SECRET_ABOUT not in body
    # Asking for another township changes nothing.
    other = client.get("/oversight/", query_string={"township": "339901201"}).get_data(as_text=True)
    assert "东山村" not in other
    csv_body = client.get("/oversight/overdue", query_string={"format": "csv"}).get_data(as_text=True)
    assert own.case_number in csv_body and escalated.case_number not in csv_body and far.case_number not in csv_body


def test_county_handler_lists_every_overdue_case(client, as_user, overdue_cases):
    own, escalated, far = overdue_cases
    as_user("county_handler")
    body = client.get("/oversight/overdue").get_data(as_text=True)
    for case in overdue_cases:
        assert f'href="/triage/{case.case_number}"' in body
    narrowed = client.get("/oversight/overdue", query_string={"township": "339901201"}).get_data(as_text=True)
    assert far.case_number in narrowed and own.case_number not in narrowed


def test_freshness_of_other_townships_is_hidden_from_a_township_handler(client, as_user):
    as_user("handler_dongshan")
    body = client.get("/oversight/disclosures").get_data(as_text=True)
    assert "东山村" in body and "上塘村" not in body
