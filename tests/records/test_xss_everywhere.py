"""Every hostile vector, in every text field of every kind, published: no public page may carry it live.

Each kind keeps one subject and corrects it once per vector, so each vector
is seen as the current revision, in the difference against the previous
vector, in the correction reason, on the village page and on the chain page.
"""
import csv
import functools
import io
from xml.etree import ElementTree

import pytest
from demo_ids import VILLAGE
from PIL import Image
from sqlalchemy import select
from xss_corpus import XSS_VECTORS, is_dangerous

from portal.core.text import has_hidden
from portal.extensions import db
from portal.places.models import Cadre, Village
from records.support import form_page_danger, page_danger


@pytest.fixture
def app_config(app_config):
    # Thousands of posts: skip fetching a CSRF token for each (the forms are the same otherwise).
    return {**app_config, "WTF_CSRF_ENABLED": False}


@pytest.fixture
def cadre(client, login_as):
    return login_as("cadre_shangtang")


@functools.cache
def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


def _csv(vector: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["序号", "摘要", vector[:60] or "说明", "支出"])
    writer.writerow(["1", vector, vector, "100.00"])
    writer.writerow(["2", "电费", vector, "50.00"])
    return out.getvalue().encode("utf-8")


def _meta(vector: str) -> dict:
    return {"domain": "village", "topic": "other", "title": vector[:200] or "x", "period_label": vector[:60],
            "period_start": "", "period_end": ""}


def _fields(kind: str, vector: str) -> dict:
    if kind == "text":
        return {"markdown": vector}
    if kind == "table":
        return {"upload": (io.BytesIO(_csv(vector)), "表.csv"), "notes": vector}
    if kind == "decision":
        fields = {"matter": vector, "dual_role": "y"}
        for step in ("proposal", "committees", "party_meeting", "representatives", "resolution_disclosure",
                     "result_disclosure"):
            fields[f"{step}-date"] = "2025-04-01"
            fields[f"{step}-note"] = vector
        return fields
    return {"description": vector, "files": [(io.BytesIO(_png()), vector + ".png")]}


def _shown_at(section: str, subject: int, number: int) -> list[str]:
    """Where revision `number` of a subject shows: its page, the village page, the record, the difference."""
    urls = [f"/villages/{VILLAGE}/{section}/{subject}", f"/villages/{VILLAGE}", f"/villages/{VILLAGE}/record"]
    if number > 1:
        urls.append(f"/villages/{VILLAGE}/{section}/{subject}/diff?from={number - 1}&to={number}")
    return urls


def _check(client, urls: list[str], vector: str, failures: list) -> None:
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, vector)
        found = page_danger(response.get_data(as_text=True))
        if found:
            failures.append(f"{vector!r} → {found} on {url}")


@pytest.mark.parametrize("kind", ["text", "table", "decision", "attachment"])
def test_no_vector_survives_in_any_disclosure_field(client, cadre, kind):
    failures, published, subject = [], 0, None
    multipart = {"content_type": "multipart/form-data"} if kind in ("table", "attachment") else {}
    for vector in XSS_VECTORS:
        data = {**_meta(vector), **_fields(kind, vector)}
        if subject is None:
            response = client.post(f"/publish/disclosures/new/{kind}", data=data, **multipart)
        else:
            response = client.post(f"/publish/disclosures/{subject}/edit", data={**data, "reason": vector or "x"},
                                   **multipart)
        if response.status_code != 302:  # refused as input (e.g. an unreadable CSV): nothing to check
            assert response.status_code == 400, (vector, response.status_code)
            assert form_page_danger(response.get_data(as_text=True)) is None, vector
            continue
        subject = subject or int(response.headers["Location"].rstrip("/").split("/")[-1])
        assert client.post(f"/publish/disclosures/{subject}/publish").status_code == 302
        published += 1
        _check(client, _shown_at("disclosures", subject, published), vector, failures)
    assert published > len(XSS_VECTORS) * 0.9, "most vectors must really be published"
    assert not failures, "\n".join(failures[:20])
    _check_feed_and_api(client)


def _check_feed_and_api(client) -> None:
    """The feed carries only plain text and the API only sanitized HTML, whatever was published."""
    feed = ElementTree.fromstring(client.get(f"/villages/{VILLAGE}/feed.atom").get_data())
    atom = "{http://www.w3.org/2005/Atom}"
    for element in feed.iter():
        if element.tag in (f"{atom}content", f"{atom}summary", f"{atom}title"):
            assert element.get("type", "text") == "text", "feed text must never be rendered as HTML"
    response = client.get(f"/api/v1/villages/{VILLAGE}/disclosures", query_string={"per_page": 100})
    assert response.mimetype == "application/json" and response.headers["X-Content-Type-Options"] == "nosniff"
    html_values = list(_html_fields(response.get_json()))
    assert html_values, "the API must carry the published HTML"
    for value in html_values:
        assert is_dangerous(value) is None, value[:200]


def _html_fields(value):
    """Yield every string the API marks as HTML (keys ending in "html")."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and key.endswith("html"):
                yield item
            else:
                yield from _html_fields(item)
    elif isinstance(value, list):
        for item in value:
            yield from _html_fields(item)


def test_no_vector_survives_in_any_duty_report_field(ctx, client, cadre):
    village = db.session.scalar(select(Village).where(Village.code == VILLAGE))
    cadre_id = db.session.scalar(select(Cadre.id).where(Cadre.village_id == village.id, Cadre.role == "bookkeeper"))
    sections = ("duties", "powers_used", "funds", "integrity", "complaints", "shortcomings", "plans", "pledge")
    failures, report, number = [], None, 0
    for vector in XSS_VECTORS:
        data = {"title": vector[:200] or "x", **{key: vector for key in sections}}
        if report is None:
            response = client.post("/publish/reports/new", data={**data, "cadre": cadre_id, "period": "2025"})
        else:
            response = client.post(f"/publish/reports/{report}/edit", data={**data, "reason": vector or "x"})
        if has_hidden(vector):  # refused as input, like every form (portal/core/text.py): nothing published
            assert response.status_code in (200, 400), (vector, response.status_code)
            assert form_page_danger(response.get_data(as_text=True)) is None, vector
            continue
        assert response.status_code == 302, vector
        report = report or int(response.headers["Location"].rstrip("/").split("/")[-1])
        assert client.post(f"/publish/reports/{report}/publish").status_code == 302
        number += 1
        _check(client, _shown_at("reports", report, number), vector, failures)
    assert not failures, "\n".join(failures[:20])
