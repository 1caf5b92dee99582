"""The village Atom feed, CSV downloads and the printable QR poster."""
import csv
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import segno
from demo_ids import VILLAGE
from sqlalchemy import select

from portal.disclosures.models import Disclosure
from portal.extensions import db
from portal.home.feeds import FEED_SIZE
from portal.places.models import Village
from portal.records import service as records
from portal.records.models import PublishedRevision

A = "{http://www.w3.org/2005/Atom}"
CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "portal.css"


def _village() -> Village:
    return db.session.query(Village).filter_by(code=VILLAGE).one()


def _publish(title: str, content: dict, kind: str = "text", reason=None, disclosure=None) -> Disclosure:
    village = _village()
    if disclosure is None:
        disclosure = Disclosure(village=village, domain="village", kind=kind, topic="village_affairs", title=title)
        db.session.add(disclosure)
        db.session.flush()
    # The keys these tests do not look at, as a real revision of the kind carries them.
    filled = {"text": {"markdown": ""}, "table": {"masked": {}, "dropped_columns": []}}.get(kind, {})
    records.publish(disclosure, subject_type="disclosure", content={**filled, **content}, title=title, reason=reason,
                    user_id=None)
    db.session.commit()
    return disclosure


def _feed(client):
    response = client.get(f"/villages/{VILLAGE}/feed.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    return response, ET.fromstring(response.get_data())


def test_feed_is_valid_atom_with_required_elements(ctx, client):
    _response, root = _feed(client)
    assert root.tag == f"{A}feed"
    for name in ("id", "title", "updated", "author"):
        assert root.find(f"{A}{name}") is not None, name
    assert root.find(f"{A}id").text.startswith("tag:")
    assert root.find(f"{A}link[@rel='self']").get("href").endswith(f"/villages/{VILLAGE}/feed.atom")
    entries = root.findall(f"{A}entry")
    assert len(entries) == min(_village().chain_length, FEED_SIZE)  # the newest entries of the record
    ids = [e.find(f"{A}id").text for e in entries]
    assert len(set(ids)) == len(ids) and all(re.match(r"^tag:[\w.-]+,\d{4}:", i) for i in ids)
    for entry in entries:
        assert entry.find(f"{A}title").text and entry.find(f"{A}updated").text.endswith("Z")
        assert entry.find(f"{A}link[@rel='alternate']").get("href").startswith("http")
        assert entry.find(f"{A}content").get("type") == "text"
    titles = [e.find(f"{A}title").text for e in entries]
    newest = db.session.scalars(select(PublishedRevision).where(PublishedRevision.village_id == _village().id)
                                .order_by(PublishedRevision.chain_seq.desc()).limit(3)).all()
    assert [r.title for r in newest] == titles[:3]  # newest first


def test_feed_lists_corrections_and_sanitizes_summaries(ctx, client):
    disclosure = _publish("通知", {"kind": "text", "html": "<p>原文</p>"})
    _publish("通知", {"kind": "text", "html": "<script>alert(1)</script><p>更正后的<b>内容</b></p>"},
             reason="金额写错", disclosure=disclosure)
    _response, root = _feed(client)
    entries = root.findall(f"{A}entry")
    newest = entries[0]
    assert "correction" in newest.find(f"{A}title").text or "更正" in newest.find(f"{A}title").text
    summary = newest.find(f"{A}content").text
    assert "金额写错" in summary and "更正后的内容" in summary
    assert "<script" not in summary and "alert" not in summary and "<p>" not in summary
    assert newest.find(f"{A}id").text.endswith(f"/disclosure/{disclosure.id}/revision/2")
    assert entries[1].find(f"{A}id").text.endswith(f"/disclosure/{disclosure.id}/revision/1")


def test_feed_holds_the_latest_fifty_revisions(ctx, client):
    for n in range(52):
        _publish(f"公告{n}", {"kind": "text", "html": f"<p>第{n}号</p>"})
    _response, root = _feed(client)
    titles = [e.find(f"{A}title").text for e in root.findall(f"{A}entry")]
    assert len(titles) == 50 and titles[0] == "公告51" and titles[-1] == "公告2"


def test_feed_answers_revalidation_with_304_and_changes_on_publish(ctx, client):
    first, _root = _feed(client)
    etag = first.headers["ETag"]
    assert client.get(f"/villages/{VILLAGE}/feed.atom", headers={"If-None-Match": etag}).status_code == 304
    _publish("新公告", {"kind": "text", "html": "<p>x</p>"})
    assert client.get(f"/villages/{VILLAGE}/feed.atom", headers={"If-None-Match": etag}).status_code == 200


def _rows(response):
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf") and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_powers_csv_lists_every_item(client):
    rows = _rows(client.get(f"/villages/{VILLAGE}/powers.csv"))
    assert rows[0][:2] == ["code", "title"]
    assert any(r[0] == "QX-A-01" and r[1] == "村级重大事项决策" for r in rows[1:])
    assert client.get("/villages/339901999999/powers.csv").status_code == 404


def test_table_disclosure_csv_has_bom_totals_and_neutralised_cells(ctx, client):
    table = {"kind": "table", "columns": ["摘要", "支出"], "rows": [["=HYPERLINK(\"http://evil\")", "100.00"],
                                                                    ["@SUM(1)", "-5"]],
             "totals": {"支出": "95.00"}}
    disclosure = _publish("支出明细", table, kind="table")
    rows = _rows(client.get(f"/villages/{VILLAGE}/disclosures/{disclosure.id}.csv"))
    assert rows[0] == ["摘要", "支出"]
    assert rows[1][0] == "'=HYPERLINK(\"http://evil\")" and rows[2] == ["'@SUM(1)", "'-5"]
    assert rows[-1][1] == "95.00"
    text = _publish("文字公告", {"kind": "text", "html": "<p>x</p>"})
    assert client.get(f"/villages/{VILLAGE}/disclosures/{text.id}.csv").status_code == 404


def test_poster_has_two_qr_codes_hotlines_and_fits_a4(app, client):
    app.config["PUBLIC_BASE_URL"] = "https://cunwu.example.gov.cn/"
    response = client.get(f"/villages/{VILLAGE}/poster")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<script" not in body and " style=" not in body
    svgs = re.findall(r"<svg [^>]*>", body)
    qrs = [s for s in svgs if 'class="qr"' in s]
    assert len(qrs) == 2 and all('role="img"' in s and "aria-label=" in s for s in qrs)
    for url in (f"https://cunwu.example.gov.cn/villages/{VILLAGE}",
                f"https://cunwu.example.gov.cn/complaints/new?village={VILLAGE}"):
        expected = re.search(r' d="([^"]+)"', segno.make(url, error="m").svg_inline()).group(1)
        assert expected in body, url  # the code really encodes that address
    assert "上塘村" in body and "12388" in body and "0000-1230101" in body
    css = CSS.read_text(encoding="utf-8")
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", css)
    assert "@media print" in css and ".poster" in css
