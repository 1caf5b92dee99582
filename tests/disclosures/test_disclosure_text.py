"""Text notices: draft → preview → publish, sanitized, on the chain."""
from demo_ids import VILLAGE
from records.support import page_danger
from sqlalchemy import func, select

from disclosures.support import META, chain_length, disclosure_id_of, new_disclosure, publish
from portal.core.audit import AuditEntry
from portal.disclosures.models import Disclosure
from portal.extensions import db
from portal.places.models import Village

TEXT = "## 党费收缴\n\n本季度收缴党费 **3,420.00 元**。\n\n- 主题党日 3 次\n- 走访困难党员 5 户"


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_dashboard_offers_every_kind_and_lists_drafts(client, cadre):
    page = _text(client.get("/publish/"))
    for kind in ("text", "table", "decision", "attachment"):
        assert f"/publish/disclosures/new/{kind}" in page
    assert "/publish/reports/new" in page and "/publish/powers" in page
    assert "上塘村2025年1月财务收支明细" in page  # published by the demo


def test_draft_is_previewed_but_not_public(ctx, client, forms, cadre):
    before = chain_length()
    disclosure_id = disclosure_id_of(new_disclosure(forms, "text", {"markdown": TEXT}))
    preview = _text(client.get(f"/publish/disclosures/{disclosure_id}"))
    assert "<strong>3,420.00 元</strong>" in preview and "Nothing is public until you publish" in preview
    assert client.get(f"/villages/{VILLAGE}/disclosures/{disclosure_id}").status_code == 404
    assert META["title"] not in _text(client.get(f"/villages/{VILLAGE}"))
    assert chain_length() == before


def test_publishing_appends_to_the_chain_and_shows_publicly(ctx, client, forms, cadre, village):
    before = chain_length()
    disclosure_id = disclosure_id_of(new_disclosure(forms, "text", {"markdown": TEXT}))
    response = publish(forms, disclosure_id)
    assert response.status_code == 302
    assert chain_length() == before + 1
    public = _text(client.get(f"/villages/{VILLAGE}/disclosures/{disclosure_id}"))
    assert "<h3>党费收缴</h3>" in public
    assert META["title"] in public
    assert META["title"] in _text(client.get(f"/villages/{VILLAGE}"))
    db.session.expire_all()
    disclosure = db.session.get(Disclosure, disclosure_id)
    assert disclosure.status == "published" and disclosure.revision_count == 1
    content = disclosure.current_revision.content
    assert content == {"kind": "text", "markdown": TEXT, "html": content["html"],
                       "meta": {"domain": META["domain"], "topic": META["topic"],
                                "period_label": META["period_label"], "period_start": META["period_start"],
                                "period_end": META["period_end"]}}
    assert db.session.get(Village, village.id).chain_head == disclosure.current_revision.hash
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == str(disclosure_id))))
    assert {"draft_create", "publish"} <= actions


def test_markdown_is_sanitized(client, forms, cadre):
    disclosure_id = disclosure_id_of(new_disclosure(forms, "text", {
        "markdown": "正文<script>alert(1)</script>\n\n[点我](javascript:alert(1))"}))
    publish(forms, disclosure_id)
    public = _text(client.get(f"/villages/{VILLAGE}/disclosures/{disclosure_id}"))
    assert page_danger(public) is None
    assert "&lt;script&gt;" in public and 'href="javascript' not in public


def test_missing_title_and_bad_dates_are_shown_beside_the_fields_and_nothing_is_stored(ctx, client, forms, cadre):
    count = db.session.scalar(select(func.count()).select_from(Disclosure))
    response = new_disclosure(forms, "text", {"markdown": TEXT},
                              meta={"title": "  ", "period_start": "2025-13-45"})
    assert response.status_code == 400
    page = _text(response)
    assert "error-summary" in page
    assert "Give the disclosure a title." in page and "Write a date such as 2025-01-31." in page
    assert "本季度收缴党费" in page  # nothing typed is lost
    assert db.session.scalar(select(func.count()).select_from(Disclosure)) == count


def test_period_that_ends_before_it_starts_is_refused(client, forms, cadre):
    response = new_disclosure(forms, "text", {"markdown": TEXT},
                              meta={"period_start": "2025-03-31", "period_end": "2025-03-01"})
    assert response.status_code == 400 and "The period ends before it starts." in _text(response)


def test_draft_can_be_changed_and_deleted_before_publication(ctx, client, forms, cadre):
    disclosure_id = disclosure_id_of(new_disclosure(forms, "text", {"markdown": TEXT}))
    response = forms.post(f"/publish/disclosures/{disclosure_id}/edit",
                          {**META, "title": "新标题", "markdown": "新内容"})
    assert response.status_code == 302
    assert "新内容" in _text(client.get(f"/publish/disclosures/{disclosure_id}"))
    forms.post(f"/publish/disclosures/{disclosure_id}/discard", {}, form_url=f"/publish/disclosures/{disclosure_id}")
    db.session.expire_all()
    assert db.session.get(Disclosure, disclosure_id) is None


def test_unknown_kind_is_not_found(client, cadre):
    assert client.get("/publish/disclosures/new/video").status_code == 404


def test_publishing_a_draft_without_text_shows_its_form_with_the_message_beside_the_field(ctx, client, forms, cadre):
    disclosure_id = disclosure_id_of(new_disclosure(forms, "text", {"markdown": TEXT}))
    disclosure = db.session.get(Disclosure, disclosure_id)
    disclosure.draft_content = {**disclosure.draft_content, "markdown": ""}  # a draft stored before the rule
    db.session.commit()
    before = chain_length()
    refused = publish(forms, disclosure_id)
    page = _text(refused)
    assert refused.status_code == 400 and chain_length() == before
    assert 'id="markdown-error"' in page and "Write the text of the notice before publishing." in page
    assert f'action="/publish/disclosures/{disclosure_id}/edit"' in page and META["title"] in page


def test_a_refused_publication_without_a_field_says_why_on_the_preview(client, forms, cadre):
    disclosure_id = disclosure_id_of(new_disclosure(forms, "text", {"markdown": TEXT}))
    assert publish(forms, disclosure_id).status_code == 302
    again = forms.post(f"/publish/disclosures/{disclosure_id}/publish", {},  # a second tab's button
                       form_url=f"/publish/disclosures/{disclosure_id}/edit")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/publish/disclosures/{disclosure_id}")
    assert "There is no draft to publish." in _text(client.get(f"/publish/disclosures/{disclosure_id}"))
