"""ID card, bank card and mobile numbers typed into free text never reach the public, and a county handler can
remove personal data from an old revision in the open, with `verify` still catching any other change."""
import json

import pytest
from demo_ids import VILLAGE
from disclosures.support import disclosure_id_of, new_disclosure, publish
from sqlalchemy import select

from portal.accounts.models import User
from portal.disclosures import drafting
from portal.disclosures.models import Disclosure
from portal.duty import drafting as duty_drafting
from portal.extensions import db
from portal.records import service as records
from portal.records.models import PublishedRevision
from records.test_chain import _sql, _text, _verify, _village

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")

ID = "339901198005061234"
CARD = "6222 0212 3456 7890"
MOBILE = "13812345678"
RAW = f"领款人身份证 {ID}，银行卡 {CARD}，电话 {MOBILE}。"


def _no_raw(text: str) -> bool:
    return ID not in text and "6222 0212 3456" not in text and MOBILE not in text and "1381234" not in text


def test_a_text_notice_is_masked_on_the_page_api_feed_and_chain_and_the_preview_says_so(client, forms, login_as):
    login_as("cadre_shangtang")
    client.set_cookie("lang", "en")
    disclosure_id = disclosure_id_of(new_disclosure(forms, "text", {"markdown": RAW}))
    preview = _text(client.get(f"/publish/disclosures/{disclosure_id}"))
    assert "Personal data was masked before publication: 1 ID card numbers, 1 bank card" in preview
    assert "1 mobile numbers" in preview and _no_raw(preview.split("Please check")[1])
    publish(forms, disclosure_id)
    db.session.expire_all()
    revision = db.session.get(Disclosure, disclosure_id).current_revision
    assert _no_raw(json.dumps(revision.content, ensure_ascii=False)) and "339901********1234" in revision.content["html"]
    assert "138****5678" in revision.content["markdown"]
    assert _no_raw(_text(client.get(f"/villages/{VILLAGE}/disclosures/{disclosure_id}")))
    assert _no_raw(_text(client.get(f"/api/v1/villages/{VILLAGE}/disclosures")))
    assert _no_raw(_text(client.get(f"/villages/{VILLAGE}/feed.atom")))


def test_table_notes_decision_matters_duty_reports_and_proposals_are_masked(app):
    assert _no_raw(json.dumps(drafting.with_notes({"kind": "table"}, RAW), ensure_ascii=False))
    decision = drafting.decision_content({"matter": RAW, "steps": [{"step": "proposal", "note": RAW}]})
    assert _no_raw(json.dumps(decision, ensure_ascii=False))
    assert _no_raw(json.dumps(drafting.attachment_content(RAW, []), ensure_ascii=False))
    assert _no_raw(json.dumps(duty_drafting.report_content({"duties": RAW}), ensure_ascii=False))
    import datetime

    from portal.places.models import Township
    from portal.polls.service import create, phase, propose

    handler = db.session.scalar(select(User).where(User.username == "handler_baishi"))
    today = datetime.date.today()
    poll = create(handler, db.session.get(Township, handler.township_id), year=today.year, title="最不满意的10件事",
                  proposals_from=today, proposals_until=today + datetime.timedelta(days=5),
                  voting_from=today + datetime.timedelta(days=6), voting_until=today + datetime.timedelta(days=9))
    db.session.flush()
    assert phase(poll, today) == "proposals"
    option = propose(poll, f"路灯坏了 {MOBILE}", RAW, today)
    assert _no_raw(option.title + (option.detail or "")) and "138****5678" in option.title


def test_a_duty_report_preview_says_what_was_masked(client, login_as):
    login_as("cadre_shangtang")
    client.set_cookie("lang", "en")
    village = _village()
    from portal.duty.models import DutyReport

    report = db.session.scalar(select(DutyReport).where(DutyReport.village_id == village.id))
    cadre = db.session.scalar(select(User).where(User.username == "cadre_shangtang"))
    duty_drafting.save_draft(report, cadre, report.title, {"duties": RAW}, "补充")
    db.session.commit()
    preview = _text(client.get(f"/publish/reports/{report.id}"))
    assert "Personal data was masked before publication" in preview


def _old_raw_revision() -> PublishedRevision:
    """A notice published with a phone number before masking existed (written straight to the chain)."""
    village = _village()
    cadre = db.session.scalar(select(User).where(User.username == "cadre_shangtang"))
    disclosure = Disclosure(village=village, village_id=village.id, domain="village", kind="text", topic="other",
                            title="低保户名单说明", created_by_id=cadre.id)
    db.session.add(disclosure)
    db.session.flush()
    content = {"kind": "text", "markdown": RAW, "html": f"<p>{RAW}</p>"}
    revision = records.publish(disclosure, subject_type="disclosure", content=content, title=disclosure.title,
                               reason=None, user_id=cadre.id)
    db.session.commit()
    return revision


def test_a_county_handler_removes_personal_data_in_the_open_and_verify_still_holds(client, forms, login_as, runner):
    revision = _old_raw_revision()
    url = f"/publish/disclosures/{revision.subject_id}"
    page_url = f"/villages/{VILLAGE}/disclosures/{revision.subject_id}"
    assert MOBILE in _text(client.get(page_url))
    login_as("cadre_shangtang")
    assert client.get(f"/record/redact/{revision.id}").status_code == 403  # the village cannot rewrite its past
    login_as("county_handler")
    client.set_cookie("lang", "en")
    form = _text(client.get(f"/record/redact/{revision.id}"))
    assert "Would remove" in form, form[form.find("<main"):][:1500]
    assert "Would remove: 1 ID card numbers" in form
    refused = forms.post(f"/record/redact/{revision.id}", {"terms": "", "reason": ""})
    assert refused.status_code == 400
    response = forms.post(f"/record/redact/{revision.id}", {"terms": "领款人", "reason": "公示了身份证号和手机号"})
    assert response.status_code == 302, _text(response)
    page = _text(client.get(page_url))
    assert _no_raw(page) and "领款人" not in page
    assert "Personal data was removed from this revision" in page and "公示了身份证号和手机号" in page
    assert "1 other words" in page
    record = _text(client.get(f"/villages/{VILLAGE}/record"))
    assert "公示了身份证号和手机号" in record and _no_raw(record)
    code, output = _verify(runner)
    assert code == 0, output
    db.session.expire_all()
    redacted = db.session.get(PublishedRevision, revision.id)
    forged = {**redacted.content, "markdown": redacted.content["markdown"] + " 另付现金5000元"}
    _sql("UPDATE published_revision SET content = :c WHERE id = :id",
         c=json.dumps(forged, ensure_ascii=False), id=revision.id)
    code, output = _verify(runner)
    assert code != 0 and "does not match its hash" in output
    assert url  # the cadre workspace keeps its own draft flow; nothing there changed


def test_removal_without_a_recorded_entry_is_caught(runner, app):
    revision = _old_raw_revision()
    masked = {**revision.content, "markdown": revision.content["markdown"].replace(MOBILE, "138****5678")}
    _sql("UPDATE published_revision SET content = :c WHERE id = :id",
         c=json.dumps(masked, ensure_ascii=False), id=revision.id)
    code, output = _verify(runner)
    assert code != 0 and "does not match its hash" in output
