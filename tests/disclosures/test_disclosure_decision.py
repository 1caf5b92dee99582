"""四议两公开 decision records: one form per step, rule breaches shown as warnings and stored."""
from demo_ids import VILLAGE
from sqlalchemy import func, select

from disclosures.support import disclosure_id_of, new_disclosure, publish
from portal.disclosures.models import Disclosure
from portal.extensions import db

META = {"domain": "village", "topic": "decision", "title": "关于村道二期工程的决议"}


def _text(response) -> str:
    return response.get_data(as_text=True)


def record(**overrides) -> dict:
    """Form fields of a record that follows every rule."""
    fields = {
        "matter": "村道二期工程（0.8公里），预算12万元", "dual_role": "y",
        "proposal-date": "2025-04-01", "proposal-note": "汇总党员群众建议",
        "committees-date": "2025-04-03", "committees-expected": "7", "committees-present": "7",
        "committees-votes_for": "7", "committees-against": "0", "committees-abstain": "0",
        "party_meeting-date": "2025-04-10", "party_meeting-notice_date": "2025-04-06",
        "party_meeting-expected": "28", "party_meeting-present": "24", "party_meeting-votes_for": "22",
        "party_meeting-against": "1", "party_meeting-abstain": "1",
        "representatives-date": "2025-04-15", "representatives-expected": "35", "representatives-present": "31",
        "representatives-votes_for": "28", "representatives-against": "2", "representatives-abstain": "1",
        "representatives-note": "联村干部孙浩列席签字",
        "resolution_disclosure-date": "2025-04-16", "resolution_disclosure-posted_from": "2025-04-16",
        "resolution_disclosure-posted_until": "2025-04-25",
        "result_disclosure-date": "2025-07-01", "result_disclosure-posted_from": "2025-07-01",
        "result_disclosure-posted_until": "2025-07-10", "result_disclosure-note": "验收合格",
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


def test_a_record_that_follows_the_rules_is_published_without_warnings(ctx, client, forms, cadre):
    disclosure_id = disclosure_id_of(new_disclosure(forms, "decision", record(), meta=META))
    preview = _text(client.get(f"/publish/disclosures/{disclosure_id}"))
    assert "breaks the decision rules" not in preview and "联村干部孙浩列席签字" in preview
    publish(forms, disclosure_id)
    disclosure = db.session.get(Disclosure, disclosure_id)
    content = disclosure.current_revision.content
    assert disclosure.breach_count == 0 and content["breaches"] == []
    steps = {s["step"]: s for s in content["steps"]}
    assert list(steps) == ["proposal", "committees", "party_meeting", "representatives",
                           "resolution_disclosure", "result_disclosure"]
    assert steps["representatives"] == {"step": "representatives", "date": "2025-04-15", "expected": 35,
                                        "present": 31, "for": 28, "against": 2, "abstain": 1,
                                        "note": "联村干部孙浩列席签字"}
    assert content["dual_role"] is True and content["matter"].startswith("村道二期工程")
    public = _text(client.get(f"/villages/{VILLAGE}/disclosures/{disclosure_id}"))
    assert "验收合格" in public and "rule warning" not in _text(client.get(f"/villages/{VILLAGE}"))


def test_breaches_are_warnings_that_are_published_and_counted(ctx, client, forms, cadre):
    fields = record(**{"representatives-present": "20", "representatives-votes_for": "12",
                       "resolution_disclosure-posted_until": "2025-04-18"})
    disclosure_id = disclosure_id_of(new_disclosure(forms, "decision", fields, meta=META))
    preview = _text(client.get(f"/publish/disclosures/{disclosure_id}"))
    assert "This record breaks the decision rules" in preview
    assert "Too few members present" in preview and "Posted for too short a time" in preview
    assert publish(forms, disclosure_id).status_code == 302
    disclosure = db.session.get(Disclosure, disclosure_id)
    codes = {(b["step"], b["code"]) for b in disclosure.current_revision.content["breaches"]}
    assert ("representatives", "quorum") in codes and ("resolution_disclosure", "posting_days") in codes
    assert disclosure.breach_count == len(codes)
    assert "rule warning" in _text(client.get(f"/villages/{VILLAGE}"))
    assert "Too few members present" in _text(client.get(f"/villages/{VILLAGE}/disclosures/{disclosure_id}"))


def test_missing_steps_are_breaches(client, forms, cadre):
    fields = record(**{f"result_disclosure-{k}": "" for k in ("date", "posted_from", "posted_until", "note")})
    disclosure_id = disclosure_id_of(new_disclosure(forms, "decision", fields, meta=META))
    assert "A required step is missing" in _text(client.get(f"/publish/disclosures/{disclosure_id}"))
    unfinished = record(not_implemented="y", **{f"result_disclosure-{k}": "" for k in
                                                ("date", "posted_from", "posted_until", "note")})
    other = disclosure_id_of(new_disclosure(forms, "decision", unfinished, meta=META))
    assert "breaks the decision rules" not in _text(client.get(f"/publish/disclosures/{other}"))


def test_numbers_and_dates_that_are_not_are_refused_beside_the_field(ctx, client, forms, cadre):
    count = db.session.scalar(select(func.count()).select_from(Disclosure))
    response = new_disclosure(forms, "decision", record(**{"committees-present": "七",
                                                          "party_meeting-date": "2025-02-30"}), meta=META)
    assert response.status_code == 400
    page = _text(response)
    assert 'id="committees-present-error"' in page and "Write a whole number, such as 12." in page
    assert 'id="party_meeting-date-error"' in page and "Write a date such as 2025-01-31." in page
    assert 'value="七"' in page and "联村干部孙浩列席签字" in page
    assert db.session.scalar(select(func.count()).select_from(Disclosure)) == count
