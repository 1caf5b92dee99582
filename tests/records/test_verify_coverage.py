"""`verify` covers everything the public sees: tamper with each in SQL or on disk and it fails, saying where."""
import datetime
import json

import pytest
from demo_ids import OTHER_VILLAGE, VILLAGE
from sqlalchemy import select

from portal.accounts.models import User
from portal.core.storage import StoredFile, _write, upload_dir
from portal.disclosures import drafting
from portal.disclosures.models import Disclosure
from portal.duty.models import DutyReport, EvaluationRound
from portal.extensions import db
from portal.powers.models import PowerItem
from portal.records.diff import diff_revisions
from portal.records.models import PublishedRevision
from records.test_chain import _correct, _publish_texts, _revision, _sql, _text, _verify, _village

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def _first_disclosure(code=VILLAGE) -> Disclosure:
    village = _village(code)
    return db.session.scalar(select(Disclosure).where(Disclosure.village_id == village.id,
                                                      Disclosure.status == "published").order_by(Disclosure.id))


def _broken(runner, *expected: str) -> str:
    code, output = _verify(runner)
    assert code != 0, output
    for text in expected:
        assert text in output, output
    return output


def test_verify_passes_on_the_demo_county(runner):
    code, output = _verify(runner)
    assert code == 0 and "OK" in output, output


def test_hiding_a_published_disclosure_is_caught(runner):
    target = _first_disclosure()
    _sql("UPDATE disclosure SET status = 'draft' WHERE id = :id", id=target.id)
    _broken(runner, VILLAGE, f"disclosure {target.id} is hidden")


def test_moving_a_disclosure_to_another_village_is_caught(runner):
    target, other = _first_disclosure(), _village(OTHER_VILLAGE)
    _sql("UPDATE disclosure SET village_id = :v WHERE id = :id", v=other.id, id=target.id)
    _broken(runner, VILLAGE, f"disclosure {target.id} is shown under another village")


def test_changing_the_period_shown_is_caught(runner):
    target = _first_disclosure()
    _sql("UPDATE disclosure SET period_label = '2019年1月', period_start = :d WHERE id = :id",
         d=datetime.date(2019, 1, 1), id=target.id)
    _broken(runner, VILLAGE, f"disclosure {target.id}", "period_label", "2019年1月", "period_start")


def test_changing_the_first_publication_date_is_caught(runner):
    target = _first_disclosure()
    _sql("UPDATE disclosure SET first_published_at = :t WHERE id = :id",
         t=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC), id=target.id)
    _broken(runner, VILLAGE, f"disclosure {target.id}", "first publication")


def test_pointing_at_an_older_revision_is_caught(runner):
    disclosure = _publish_texts(1)[0]
    cadre = db.session.get(User, disclosure.created_by_id)
    drafting.save_draft(disclosure, cadre, drafting.meta_of(disclosure), drafting.text_content("更正"), "错字")
    drafting.publish_draft(disclosure, cadre)
    db.session.commit()
    first = db.session.scalar(select(PublishedRevision).where(PublishedRevision.subject_type == "disclosure",
                                                              PublishedRevision.subject_id == disclosure.id,
                                                              PublishedRevision.number == 1))
    _sql("UPDATE disclosure SET current_revision_id = :r WHERE id = :id", r=first.id, id=disclosure.id)
    _broken(runner, f"disclosure {disclosure.id} shows revision id {first.id} instead of its latest, revision 2")


def test_a_correction_of_the_period_alone_is_a_visible_change_and_old_revisions_keep_theirs(client):
    disclosure = _publish_texts(1)[0]
    cadre = db.session.get(User, disclosure.created_by_id)
    meta = {**drafting.meta_of(disclosure), "period_label": "2025年2月", "period_start": "2025-02-01",
            "period_end": "2025-02-28"}
    drafting.save_draft(disclosure, cadre, meta, drafting.public_part(drafting.editable(disclosure)), "月份写错")
    drafting.publish_draft(disclosure, cadre)
    db.session.commit()
    first, second = (db.session.scalars(select(PublishedRevision).where(
        PublishedRevision.subject_type == "disclosure", PublishedRevision.subject_id == disclosure.id)
        .order_by(PublishedRevision.number)).all())
    assert first.content.get("meta", {}).get("period_label") in (None, "")
    assert second.content["meta"]["period_label"] == "2025年2月"
    diff = diff_revisions(first.title, first.content, second.title, second.content)
    assert diff.changed and any(f.name == "period_label" for f in diff.meta)
    client.set_cookie("lang", "zh_Hans_CN")
    page = _text(client.get(f"/villages/{VILLAGE}/disclosures/{disclosure.id}/diff?from=1&to=2"))
    assert "内容没有改动" not in page and "2025年2月" in page
    older = _text(client.get(f"/villages/{VILLAGE}/disclosures/{disclosure.id}?revision=1"))
    assert "2025年2月" not in older
    assert "2025年2月" in _text(client.get(f"/villages/{VILLAGE}/disclosures/{disclosure.id}"))


def _publish_with_file(app) -> Disclosure:
    village = _village()
    cadre = db.session.scalar(select(User).where(User.village_id == village.id))
    stored_name = _write(PNG, ".png")
    import hashlib

    stored = StoredFile(stored_name=stored_name, original_name="发票.png", mime_type="image/png", size=len(PNG),
                        sha256=hashlib.sha256(PNG).hexdigest())
    disclosure = drafting.create_draft(village, cadre, "attachment",
                                       {"domain": "finance", "topic": "other", "title": "发票"},
                                       drafting.attachment_content("发票照片", []))
    drafting.add_files(disclosure, [stored])
    drafting.publish_draft(disclosure, cadre)
    db.session.commit()
    return disclosure


def test_replacing_an_attachment_on_disk_is_caught(app, runner):
    disclosure = _publish_with_file(app)
    code, output = _verify(runner)
    assert code == 0, output
    name = disclosure.current_revision.content["files"][0]["name"]
    stored = db.session.scalar(select(PublishedRevision.content).where(
        PublishedRevision.id == disclosure.current_revision_id))["files"][0]
    from portal.disclosures.models import Attachment

    attachment = db.session.get(Attachment, stored["id"])
    (upload_dir() / attachment.stored_name).write_bytes(PNG + b"forged")
    _broken(runner, VILLAGE, name, "differ from the published file")
    (upload_dir() / attachment.stored_name).unlink()
    _broken(runner, "missing from storage")


def test_changing_a_duty_report_period_or_cadre_is_caught(runner):
    village = _village()
    report = db.session.scalar(select(DutyReport).where(DutyReport.village_id == village.id))
    _sql("UPDATE duty_report SET period = '2019', cadre_name = '张三' WHERE id = :id", id=report.id)
    _broken(runner, f"duty report {report.id}", "period", "cadre_name", "张三")


def test_changing_a_power_item_behind_the_portal_is_caught(runner):
    village = _village()
    item = db.session.scalar(select(PowerItem).where(PowerItem.village_id == village.id).order_by(PowerItem.id))
    steps = json.loads(json.dumps(item.steps))
    steps[0]["action"] = "书记一人说了算"
    _sql("UPDATE power_item SET steps = :s WHERE id = :id", s=json.dumps(steps, ensure_ascii=False), id=item.id)
    _broken(runner, VILLAGE, f"power item {item.id}", "steps")


def test_retiring_a_power_item_in_sql_is_caught(runner):
    village = _village()
    item = db.session.scalar(select(PowerItem).where(PowerItem.village_id == village.id).order_by(PowerItem.id))
    _sql("UPDATE power_item SET retired_at = :t WHERE id = :id",
         t=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC), id=item.id)
    _broken(runner, f"power item {item.id}", "retired")


def test_evaluation_results_are_chained_and_cannot_be_changed(client, runner):
    village = _village()
    report = db.session.scalar(select(DutyReport).where(DutyReport.village_id == village.id,
                                                        DutyReport.rating_counts.is_not(None)))
    assert f"{report.rating_counts['satisfied']}" in _text(client.get(f"/villages/{VILLAGE}/reports/{report.id}"))
    forged = {**report.rating_counts, "satisfied": 57, "dissatisfied": 0, "rate": 100.0}
    _sql("UPDATE duty_report SET rating_counts = :c WHERE id = :id", c=json.dumps(forged), id=report.id)
    _broken(runner, f"duty report {report.id} shows evaluation figures")


def test_a_later_round_does_not_overwrite_the_published_result_of_the_last(client, app):
    from portal.duty import evaluation_service as service

    village = _village()
    report = db.session.scalar(select(DutyReport).where(DutyReport.village_id == village.id,
                                                        DutyReport.rating_counts.is_not(None)))
    first = dict(report.rating_counts)
    handler = db.session.scalar(select(User).where(User.username == "handler_baishi"))
    now = datetime.datetime.now(datetime.UTC)
    rnd, _codes = service.open_round(handler, village, title="第二轮测评", report_ids=[report.id],
                                     closes_at=now + datetime.timedelta(hours=1), voter_count=3)
    db.session.commit()
    service.close_round(rnd, now + datetime.timedelta(hours=2))
    db.session.commit()
    rounds = db.session.scalars(select(PublishedRevision).where(PublishedRevision.village_id == village.id,
                                                                PublishedRevision.subject_type == "evaluation")).all()
    assert len(rounds) == 2
    page = _text(client.get(f"/villages/{VILLAGE}/reports/{report.id}"))
    assert f"{first['satisfied']}" in page and "第二轮测评" in page


def test_a_deleted_round_result_is_caught(runner):
    village = _village()
    rnd = db.session.scalar(select(EvaluationRound).where(EvaluationRound.village_id == village.id))
    _sql("DELETE FROM published_revision WHERE subject_type = 'evaluation' AND subject_id = :id", id=rnd.id)
    _broken(runner, "missing from the sequence", f"evaluation round {rnd.id} is closed but its result is not")


def test_verify_reports_every_broken_village_and_names_the_missing_row(runner):
    _sql("UPDATE published_revision SET title = 'X' WHERE id = :id", id=_revision(1, OTHER_VILLAGE).id)
    disclosure = _publish_texts(1)[0]
    _correct(disclosure, "更正", "原因")  # its first revision is no longer the current one
    victim = db.session.scalar(select(PublishedRevision).where(PublishedRevision.subject_type == "disclosure",
                                                               PublishedRevision.subject_id == disclosure.id,
                                                               PublishedRevision.number == 1))
    seq = victim.chain_seq
    after = _revision(seq + 1)
    _sql("DELETE FROM published_revision WHERE id = :id", id=victim.id)
    output = _broken(runner, OTHER_VILLAGE, VILLAGE, "2 villages")
    line = next(text for text in output.splitlines() if "missing" in text)
    assert f"#{seq}" in line and f"#{seq + 1}, id {after.id}" in line and f"(id {after.id}) is missing" not in line
