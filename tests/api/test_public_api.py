"""The open-data API: pagination, search, 404s, CORS, languages."""
import pytest
from demo_ids import VILLAGE

from portal.disclosures.models import Disclosure
from portal.extensions import db
from portal.places.models import Village
from portal.powers.models import PowerItem


def test_villages_are_paginated_with_a_next_link(client):
    first = client.get("/api/v1/villages", query_string={"per_page": 4}).get_json()
    assert (first["page"], first["per_page"], first["total"]) == (1, 4, 9)
    assert len(first["items"]) == 4 and first["next"].startswith("/api/v1/villages?")
    second = client.get(first["next"]).get_json()
    third = client.get(second["next"]).get_json()
    assert third["next"] is None and len(third["items"]) == 1
    codes = [v["code"] for page in (first, second, third) for v in page["items"]]
    assert len(set(codes)) == 9 and codes == sorted(codes)


def test_villages_default_page_size_and_summary_fields(client):
    body = client.get("/api/v1/villages").get_json()
    assert body["per_page"] == 20 and body["total"] == 9 and body["next"] is None
    shangtang = next(v for v in body["items"] if v["code"] == VILLAGE)
    assert shangtang["name"] == "上塘村" and shangtang["township"] == {"code": "339901101", "name": "白石镇"}
    assert shangtang["api_url"] == f"/api/v1/villages/{VILLAGE}" and shangtang["url"].endswith(f"/villages/{VILLAGE}")


@pytest.mark.parametrize("query", ["stc", "shangtang", "上塘"])
def test_villages_search_by_name_pinyin_or_initials(client, query):
    body = client.get("/api/v1/villages", query_string={"q": query}).get_json()
    assert [v["code"] for v in body["items"]] == [VILLAGE] and body["total"] == 1


@pytest.mark.parametrize("params", [{"per_page": 101}, {"per_page": 0}, {"page": 0}, {"page": "x"},
                                    {"per_page": "-1"}, {"page": "99999999999999999999"}])
def test_bad_paging_is_a_400_with_field_errors(client, params):
    response = client.get("/api/v1/villages", query_string=params)
    assert response.status_code == 400
    body = response.get_json()
    assert body["status"] == 400 and set(body["errors"]) <= {"page", "per_page"} and body["errors"]


def test_a_page_past_the_end_is_empty(client):
    body = client.get("/api/v1/villages", query_string={"page": 50}).get_json()
    assert body["items"] == [] and body["total"] == 9 and body["next"] is None


@pytest.mark.parametrize("path", ["/api/v1/villages/339901999999", "/api/v1/villages/abc",
                                  "/api/v1/villages/339901999999/powers", "/api/v1/villages/339901999999/disclosures"])
def test_unknown_villages_are_json_404s(client, path):
    response = client.get(path)
    assert response.status_code == 404 and response.is_json and response.get_json()["status"] == 404


def test_village_detail_has_hotlines_chain_and_links(ctx, client):
    body = client.get(f"/api/v1/villages/{VILLAGE}").get_json()
    village = db.session.query(Village).filter_by(code=VILLAGE).one()
    assert body["chain_head"] == village.chain_head and body["chain_length"] == village.chain_length
    assert "12388" in body["hotlines"] and body["county"]["code"] == "339901"
    assert body["links"]["feed"].endswith(f"/villages/{VILLAGE}/feed.atom")
    assert body["links"]["powers"] == f"/api/v1/villages/{VILLAGE}/powers"


def test_powers_list_every_current_item(ctx, client):
    village = db.session.query(Village).filter_by(code=VILLAGE).one()
    count = db.session.query(PowerItem).filter_by(village_id=village.id, retired_at=None).count()
    body = client.get(f"/api/v1/villages/{VILLAGE}/powers", query_string={"per_page": 100}).get_json()
    assert body["total"] == count == len(body["items"])
    first = next(i for i in body["items"] if i["code"] == "QX-A-01")
    assert first["steps"] and first["legal_basis"] and first["category"] == "decision"


def test_disclosures_carry_current_content_revision_count_and_chain_hash(ctx, client):
    village = db.session.query(Village).filter_by(code=VILLAGE).one()
    published = db.session.query(Disclosure).filter_by(village_id=village.id, status="published").all()
    body = client.get(f"/api/v1/villages/{VILLAGE}/disclosures").get_json()
    assert body["total"] == len(published)
    for item in body["items"]:
        row = next(d for d in published if d.id == item["id"])
        assert item["revision_count"] == row.revision_count
        assert item["chain_hash"] == row.current_revision.hash
        assert item["content"] == row.current_revision.content
        assert (item["csv_url"] is not None) == (row.kind == "table")


def test_complaint_categories_in_the_request_language(client):
    chinese = client.get("/api/v1/complaint-categories").get_json()
    english = client.get("/api/v1/complaint-categories", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_json()
    assert [c["code"] for c in chinese] == [c["code"] for c in english]
    assert len(chinese) == 13 and {"code": "unclassified", "name": "Not sure: staff will choose the kind"} in english and {"code": "disclosure_failure", "name": "Affairs or finances not disclosed"} in english
    assert next(c["name"] for c in chinese if c["code"] == "disclosure_failure") != "Affairs or finances not disclosed"


@pytest.mark.parametrize("path", ["/api/v1/villages", f"/api/v1/villages/{VILLAGE}", "/api/v1/complaint-categories",
                                  f"/api/v1/villages/{VILLAGE}/powers", f"/api/v1/villages/{VILLAGE}/disclosures",
                                  "/api/v1/openapi.json", "/api/v1/villages/339901999999"])
def test_open_data_allows_any_origin(client, path):
    assert client.get(path).headers.get("Access-Control-Allow-Origin") == "*"


def test_complaint_endpoints_do_not_allow_other_origins(client):
    response = client.post("/api/v1/complaints/track", json={"receipt": "0" * 20})
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Origin" not in client.get("/api/v1/complaints").headers


@pytest.mark.parametrize("query", ["%", "_", "' OR 1=1 --", "\\", "z" * 64])
def test_hostile_searches_never_fail(client, query):
    response = client.get("/api/v1/villages", query_string={"q": query})
    assert response.status_code == 200 and isinstance(response.get_json()["items"], list)


@pytest.mark.parametrize(("query", "english", "chinese"), [
    ("a\x00b", "The text contains invisible control characters. Please type it again.", "文字中含有不可见的控制字符，请重新输入。"),
    ("\u202e村", "The text contains invisible control characters. Please type it again.", "文字中含有不可见的控制字符，请重新输入。"),
    ("上塘\t村", "The text contains invisible control characters. Please type it again.", "文字中含有不可见的控制字符，请重新输入。"),
    ("z" * 65, "Write at most 64 characters.", "最多填写 64 个字符。"),
])
def test_searches_with_hidden_characters_or_too_long_are_refused_in_the_error_envelope(client, query, english,
                                                                                      chinese):
    response = client.get("/api/v1/villages", query_string={"q": query})
    body = response.get_json()
    assert response.status_code == 400 and body["status"] == 400 and body["errors"] == {"q": [chinese]}
    assert set(body) == {"error", "status", "errors"}
    client.set_cookie("lang", "en")
    assert client.get("/api/v1/villages", query_string={"q": query}).get_json()["errors"] == {"q": [english]}
