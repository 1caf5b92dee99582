"""Anomaly rules on payment lists: warnings at import, explanations required to publish, the township's queue."""
from disclosures.support import disclosure_id_of, new_disclosure, upload
from sqlalchemy import func, select

from portal.disclosures.models import Disclosure
from portal.extensions import db
from portal.subsidies.models import PaymentAnomaly, PaymentLine, PaymentReview
from subsidies.conftest import HE_XIULAN, csv_bytes

HEADER = ["序号", "补贴项目", "户主", "身份证号", "发放金额", "卡号", "发放日期"]
META = {"domain": "finance", "topic": "subsidy", "title": "溪口村补贴发放名单（测试）", "period_label": "",
        "period_start": "", "period_end": "", "period_month": ""}


def _upload_list(forms, rows, meta=None):
    data = csv_bytes([HEADER, *rows])
    return disclosure_id_of(new_disclosure(forms, "table", {"upload": upload(data, "list.csv")},
                                           meta={**META, **(meta or {})}))


def _publish(forms, disclosure_id, explanations=None):
    return forms.post(f"/publish/disclosures/{disclosure_id}/publish", explanations or {},
                      form_url=f"/publish/disclosures/{disclosure_id}")


def _reviews() -> int:
    return db.session.scalar(select(func.count()).select_from(PaymentReview))


def test_duplicate_and_over_standard_are_warned_and_must_be_explained(ctx, client, forms, as_user, english):
    as_user("cadre_xikou")
    client.set_cookie("lang", "en")
    disclosure_id = _upload_list(forms, [
        ["1", "耕地地力保护补贴", "李四", "339901196203150015", "300.00", "6222020000000001", "2026-11-15"],
        ["2", "耕地地力保护补贴", "李四", "339901196203150015", "300.00", "6222020000000002", "2026-11-15"],
        ["3", "耕地地力保护补贴", "王五", "110101199003074477", "900.00", "6222020000000003", "2026-11-15"],
    ])
    draft = db.session.get(Disclosure, disclosure_id).draft_content
    assert "339901196203150015" not in str(draft)  # only masked numbers and keyed hashes in the draft
    assert len(draft["_payment_keys"]) == 3 and draft["_payment_keys"][0]["id"] == draft["_payment_keys"][1]["id"]
    preview = client.get(f"/publish/disclosures/{disclosure_id}").get_data(as_text=True)
    assert "Warnings on this payment list: 2" in preview
    assert "Rows 1, 2 pay the same ID card number" in preview
    assert "900.00 yuan for 耕地地力保护补贴 to 王五 110101********4477 is above the county standard of 868.00" in preview
    assert 'name="explain-duplicate-1-2"' in preview and 'name="explain-over_standard-3"' in preview
    before = _reviews()
    refused = _publish(forms, disclosure_id, {"explain-duplicate-1-2": "误录，已更正"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert 'id="explain-over_standard-3-error"' in page and "at least 5 characters" in page
    assert "误录，已更正" in page  # what was typed is kept
    assert db.session.get(Disclosure, disclosure_id).revision_count == 0 and _reviews() == before
    done = _publish(forms, disclosure_id, {"explain-duplicate-1-2": "第2行为重复录入，已停发。",
                                           "explain-over_standard-3": "承包面积经镇农办复核属实。"})
    assert done.status_code == 302
    db.session.expire_all()
    disclosure = db.session.get(Disclosure, disclosure_id)
    assert disclosure.revision_count == 1 and _reviews() == before + 1
    review = db.session.scalar(select(PaymentReview).where(PaymentReview.disclosure_id == disclosure_id))
    assert [(a.rule, a.rows) for a in review.anomalies] == [("duplicate", [1, 2]), ("over_standard", [3])]
    assert review.anomalies[1].explanation == "承包面积经镇农办复核属实。"
    lines = db.session.scalars(select(PaymentLine).where(PaymentLine.disclosure_id == disclosure_id)).all()
    assert len(lines) == 3 and all(line.id_hash and "*" in line.masked_id for line in lines)
    public = client.get(f"/villages/339901101203/disclosures/{disclosure_id}").get_data(as_text=True)
    assert "承包面积经镇农办复核属实" not in public and "Warnings" not in public


def test_relative_deceased_and_other_village_are_found(ctx, client, forms, as_user, english):
    as_user("cadre_shangtang")  # 上塘村, same township as 溪口村
    disclosure_id = _upload_list(forms, [
        ["1", "耕地地力保护补贴", "何秀兰", HE_XIULAN[0], "100.00", "6222020000000011", ""],
        ["2", "耕地地力保护补贴", "陈桂英", "339901193801050061", "100.00", "6222020000000012", ""],
    ], meta=_demo_period())
    preview = client.get(f"/publish/disclosures/{disclosure_id}").get_data(as_text=True)
    assert "何秀兰 339901********0023 was also paid for 耕地地力保护补贴 in 溪口村" in preview
    assert "陈桂英 339901********0061 is on the township's list of deceased persons" in preview
    assert "declared" not in preview  # 吴志强's relative belongs to 溪口村's cadres, not 上塘村's


def _demo_period() -> dict:
    line = db.session.scalar(select(PaymentLine).where(PaymentLine.masked_id == "339901********0023",
                                                       PaymentLine.current.is_(True)))
    return {"period_start": line.period_start.isoformat(), "period_end": line.period_end.isoformat()}


def test_declared_relative_is_flagged_in_own_village(client, forms, as_user, english):
    as_user("cadre_xikou")
    disclosure_id = _upload_list(forms, [["1", "低保金", "吴国华", "339901198804120056", "500.00", "", ""]],
                                 meta={"topic": "assistance"})
    preview = client.get(f"/publish/disclosures/{disclosure_id}").get_data(as_text=True)
    assert "吴国华 339901********0056 is the declared child of cadre 吴志强" in preview


def test_clean_list_publishes_without_explanations_and_stays_out_of_the_queue(ctx, client, forms, as_user, english):
    as_user("cadre_xikou")
    before = _reviews()
    disclosure_id = _upload_list(forms, [["1", "耕地地力保护补贴", "赵六", "110101199003074477", "100.00", "", ""]])
    assert "Warnings on this payment list" not in client.get(f"/publish/disclosures/{disclosure_id}").get_data(
        as_text=True)
    assert _publish(forms, disclosure_id).status_code == 302
    assert _reviews() == before
    assert db.session.scalar(select(func.count()).select_from(PaymentLine)
                             .where(PaymentLine.disclosure_id == disclosure_id)) == 1


def test_correction_without_new_file_keeps_the_hashes_and_supersedes_old_lines(ctx, client, forms, as_user, english):
    as_user("cadre_xikou")
    disclosure_id = _upload_list(forms, [["1", "耕地地力保护补贴", "赵六", "110101199003074477", "100.00", "", ""]])
    _publish(forms, disclosure_id)
    edit = forms.post(f"/publish/disclosures/{disclosure_id}/edit", {**META, "notes": "更正备注", "reason": "补充备注"},
                      content_type="multipart/form-data")
    assert edit.status_code == 302
    assert _publish(forms, disclosure_id).status_code == 302
    db.session.expire_all()
    lines = db.session.scalars(select(PaymentLine).where(PaymentLine.disclosure_id == disclosure_id)
                               .order_by(PaymentLine.id)).all()
    assert [line.current for line in lines] == [False, True] and lines[0].id_hash == lines[1].id_hash


def test_queue_is_scoped_to_the_township_and_never_public(client, as_user, english, demo_review):
    as_user("handler_baishi")
    queue = client.get("/oversight/payment-lists/")
    assert queue.status_code == 200 and "溪口村" in queue.get_data(as_text=True)
    detail = client.get(f"/oversight/payment-lists/{demo_review.id}").get_data(as_text=True)
    assert "吴长根名下误开两张一卡通" in detail and "Same ID or card number in several rows" in detail
    assert "Above the county standard" in detail and "On the list of deceased persons" in detail
    as_user("handler_liutang")  # 柳塘镇: another township
    assert "溪口村" not in client.get("/oversight/payment-lists/").get_data(as_text=True)
    assert client.get(f"/oversight/payment-lists/{demo_review.id}").status_code == 404
    as_user("county_handler")
    assert client.get(f"/oversight/payment-lists/{demo_review.id}").status_code == 200
    as_user("cadre_xikou")
    assert client.get("/oversight/payment-lists/").status_code == 403
    client.get("/auth/logout")


def test_anonymous_visitors_cannot_reach_staff_pages(client):
    for url in ("/oversight/payment-lists/", "/oversight/payment-lists/deceased", "/publish/relatives/",
                "/admin/subsidy-standards"):
        response = client.get(url)
        assert response.status_code in (302, 401), url


def test_handler_marks_a_list_checked_with_a_note(ctx, client, forms, as_user, english, demo_review):
    as_user("handler_baishi")
    url = f"/oversight/payment-lists/{demo_review.id}"
    empty = forms.post(url, {"note": ""})
    assert empty.status_code == 400 and 'id="error-note"' in empty.get_data(as_text=True)
    assert forms.post(url, {"note": "已到村核实，重复行已停发。"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(PaymentReview, demo_review.id).checked_at is not None
    assert "No flagged payment list is waiting." in client.get("/oversight/payment-lists/").get_data(as_text=True)


def test_demo_list_carries_its_planted_anomalies(ctx, demo_review):
    rules = sorted(a.rule for a in demo_review.anomalies)
    assert rules == ["cadre_relative", "deceased", "duplicate", "over_standard"]
    assert all(len(a.explanation) >= 5 for a in demo_review.anomalies)
    total = db.session.scalar(select(func.count()).select_from(PaymentAnomaly))
    print(f"anomalies found in the demo: {total} ({', '.join(rules)})")

