"""Corrections: never in place; a reason is required; revision n+1 goes on the chain with a readable difference."""
from demo_ids import VILLAGE
from sqlalchemy import select

from disclosures.support import META, chain_length, disclosure_id_of, new_disclosure, publish, upload
from disclosures.test_attachments import png
from portal.disclosures.models import Attachment, Disclosure
from portal.extensions import db
from portal.records.integrity import verify_all

OLD = "本月支出 6,800 元，用于村道养护。\n\n经手人：周晓燕"
NEW = "本月支出 8,600 元，用于村道养护。\n\n经手人：周晓燕"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _published_text(forms) -> int:
    disclosure_id = disclosure_id_of(new_disclosure(forms, "text", {"markdown": OLD}))
    publish(forms, disclosure_id)
    return disclosure_id


def _correct(forms, disclosure_id: int, fields: dict, **kwargs):
    return forms.post(f"/publish/disclosures/{disclosure_id}/edit", {**META, **fields}, **kwargs)


def test_correcting_requires_a_reason_and_changes_nothing_without_one(ctx, client, forms, cadre):
    disclosure_id = _published_text(forms)
    form = _text(client.get(f"/publish/disclosures/{disclosure_id}/edit"))
    assert "6,800" in form and 'name="reason"' in form  # prefilled from the published revision
    response = _correct(forms, disclosure_id, {"markdown": NEW, "reason": "  "})
    assert response.status_code == 400
    assert 'id="reason-error"' in _text(response) and "Say why you are correcting" in _text(response)
    db.session.expire_all()
    disclosure = db.session.get(Disclosure, disclosure_id)
    assert disclosure.draft_reason is None and disclosure.revision_count == 1
    assert "8,600" not in _text(client.get(f"/villages/{VILLAGE}/disclosures/{disclosure_id}"))


def test_pending_correction_is_not_public_until_published(client, forms, cadre):
    disclosure_id = _published_text(forms)
    _correct(forms, disclosure_id, {"markdown": NEW, "title": "更正后的标题", "reason": "金额录入错误"})
    public = _text(client.get(f"/villages/{VILLAGE}/disclosures/{disclosure_id}"))
    assert "6,800" in public and "8,600" not in public and "更正后的标题" not in public
    assert "更正后的标题" not in _text(client.get(f"/villages/{VILLAGE}"))
    preview = _text(client.get(f"/publish/disclosures/{disclosure_id}"))
    assert "What your correction changes" in preview and "<del>6,800</del><ins>8,600</ins>" in preview
    assert "金额录入错误" in preview


def test_published_correction_is_revision_two_with_diff_and_revision_one_stays_readable(ctx, client, forms, cadre):
    disclosure_id = _published_text(forms)
    before = chain_length()
    response = _correct(forms, disclosure_id, {"markdown": NEW, "reason": "金额录入错误"})
    assert response.status_code == 302
    publish(forms, disclosure_id)
    assert chain_length() == before + 1
    disclosure = db.session.get(Disclosure, disclosure_id)
    assert disclosure.revision_count == 2 and disclosure.current_revision.reason == "金额录入错误"
    public = _text(client.get(f"/villages/{VILLAGE}/disclosures/{disclosure_id}"))
    assert "8,600" in public and "金额录入错误" in public and "Revision history" in public
    diff_url = f"/villages/{VILLAGE}/disclosures/{disclosure_id}/diff?from=1&amp;to=2"
    assert diff_url in public
    diff = _text(client.get(diff_url.replace("&amp;", "&")))
    assert "本月支出 <del>6,800</del><ins>8,600</ins> 元" in diff
    assert "金额录入错误" in diff
    old = _text(client.get(f"/villages/{VILLAGE}/disclosures/{disclosure_id}?revision=1"))
    assert "6,800" in old and "8,600" not in old and "You are reading an older revision." in old
    assert verify_all()[1] is None


def test_table_correction_highlights_the_changed_cell(client, forms, cadre):
    csv = "序号,摘要,支出\n1,办公用品,680\n2,电费,1235.60\n"
    disclosure_id = disclosure_id_of(new_disclosure(forms, "table", {"upload": upload(csv.encode(), "a.csv")}))
    publish(forms, disclosure_id)
    _correct(forms, disclosure_id, {"upload": upload(csv.replace("1235.60", "1325.60").encode(), "b.csv"),
                                    "reason": "电费金额抄错"}, content_type="multipart/form-data")
    publish(forms, disclosure_id)
    diff = _text(client.get(f"/villages/{VILLAGE}/disclosures/{disclosure_id}/diff?from=1&to=2"))
    assert 'class="row-changed"' in diff
    # In words, with the row named by its summary: no table to scroll sideways.
    assert '<strong class="nowrap">电费</strong>: <span class="change">支出 <del>1,235.60</del> → <ins>1,325.60</ins>' in diff
    assert "1 rows did not change" in diff
    assert "<del>1,915.60</del> → <ins>2,005.60</ins>" in diff


def test_decision_correction_lists_the_changed_fields(client, forms, cadre):
    from disclosures.test_disclosure_decision import META as DECISION
    from disclosures.test_disclosure_decision import record
    disclosure_id = disclosure_id_of(new_disclosure(forms, "decision", record(), meta=DECISION))
    publish(forms, disclosure_id)
    changed = record(**{"representatives-present": "30"})
    _correct(forms, disclosure_id, {**DECISION, **changed, "reason": "到会人数更正"})
    publish(forms, disclosure_id)
    diff = _text(client.get(f"/villages/{VILLAGE}/disclosures/{disclosure_id}/diff?from=1&to=2"))
    assert "<del>31</del>" in diff and "<ins>30</ins>" in diff and "Present" in diff


def test_attachment_correction_keeps_old_files_readable(ctx, client, forms, cadre):
    meta = {"domain": "village", "topic": "project", "title": "照片"}
    disclosure_id = disclosure_id_of(new_disclosure(forms, "attachment", {"files": [upload(png(), "旧.png")]},
                                                    meta=meta))
    publish(forms, disclosure_id)
    old_file = db.session.scalar(select(Attachment).where(Attachment.disclosure_id == disclosure_id))
    _correct(forms, disclosure_id, {**meta, "files": [upload(png((10, 10)), "新.png")], "reason": "换成清晰照片"},
             content_type="multipart/form-data")
    publish(forms, disclosure_id)
    diff = _text(client.get(f"/villages/{VILLAGE}/disclosures/{disclosure_id}/diff?from=1&to=2"))
    assert "<ins>新.png</ins>" in diff and "<del>旧.png</del>" in diff
    anonymous = client.application.test_client()
    assert anonymous.get(f"/files/{old_file.stored_name}").status_code == 200  # revision 1 still lists it


def test_diff_of_revisions_that_do_not_exist_is_not_found(client, forms, cadre):
    disclosure_id = _published_text(forms)
    base = f"/villages/{VILLAGE}/disclosures/{disclosure_id}/diff"
    assert client.get(base).status_code == 404  # only one revision
    _correct(forms, disclosure_id, {"markdown": NEW, "reason": "更正"})
    publish(forms, disclosure_id)
    assert client.get(base).status_code == 200
    for query in ("?from=2&to=1", "?from=1&to=9", "?from=0&to=2", "?from=2&to=2"):
        assert client.get(base + query).status_code == 404
    assert client.get(base + "?from=x&to=2").status_code == 200  # an unreadable number means the default


def test_dropping_a_correction_keeps_what_was_published(ctx, client, forms, cadre):
    disclosure_id = _published_text(forms)
    _correct(forms, disclosure_id, {"markdown": NEW, "reason": "更正"})
    forms.post(f"/publish/disclosures/{disclosure_id}/discard", {}, form_url=f"/publish/disclosures/{disclosure_id}")
    db.session.expire_all()
    disclosure = db.session.get(Disclosure, disclosure_id)
    assert disclosure.status == "published" and disclosure.draft_reason is None and not disclosure.draft_content
    assert "6,800" in _text(client.get(f"/villages/{VILLAGE}/disclosures/{disclosure_id}"))
