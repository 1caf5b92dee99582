"""Only a village's own cadres publish for it: every URL and every posted id is checked."""
import pytest
from demo_ids import VILLAGE
from disclosures.support import upload
from disclosures.test_attachments import png
from sqlalchemy import select

from portal.core.storage import store_upload
from portal.disclosures import drafting
from portal.disclosures.models import Attachment, Disclosure
from portal.duty.models import DutyReport
from portal.extensions import db
from portal.places.models import Village
from portal.powers.models import PowerItem, PowerTemplate, PowerUpdate


@pytest.fixture
def shangtang(app):
    """Objects of 上塘村: an item, a published disclosure, a draft with a file, a published report (detached)."""
    with app.app_context():
        return _shangtang()


def _shangtang():
    from io import BytesIO

    from werkzeug.datastructures import FileStorage

    from portal.accounts.models import User

    village = db.session.scalar(select(Village).where(Village.code == VILLAGE))
    owner = db.session.scalar(select(User).where(User.username == "cadre_shangtang"))
    draft = drafting.create_draft(village, owner, "attachment", {"domain": "village", "topic": "other",
                                                                 "title": "上塘村草稿"},
                                  drafting.attachment_content("", []))
    drafting.add_files(draft, [store_upload(FileStorage(BytesIO(png()), filename="草稿.png", name="files"))])
    db.session.commit()
    return {
        "village": village,
        "item": db.session.scalar(select(PowerItem).where(PowerItem.village_id == village.id).order_by(PowerItem.id)),
        "published": db.session.scalar(select(Disclosure).where(Disclosure.village_id == village.id,
                                                                Disclosure.status == "published")),
        "draft": draft,
        "attachment": db.session.scalar(select(Attachment).where(Attachment.disclosure_id == draft.id)),
        "report": db.session.scalar(select(DutyReport).where(DutyReport.village_id == village.id)),
    }


def _urls(objs) -> tuple[list[str], list[tuple[str, dict]]]:
    item, published, draft, report = objs["item"].id, objs["published"].id, objs["draft"].id, objs["report"].id
    gets = [f"/publish/powers/{item}/edit", f"/publish/powers/{item}/retire",
            f"/publish/disclosures/{published}", f"/publish/disclosures/{published}/edit",
            f"/publish/disclosures/{draft}", f"/publish/disclosures/{draft}/edit",
            f"/publish/reports/{report}", f"/publish/reports/{report}/edit"]
    meta = {"domain": "village", "topic": "other", "title": "改掉", "reason": "越权"}
    posts = [(f"/publish/powers/{item}/edit", {"title": "改掉", "category": "service", "steps": "甲 | 乙",
                                                 "reason": "越权"}),
             (f"/publish/powers/{item}/move", {"direction": "down"}),
             (f"/publish/powers/{item}/retire", {"reason": "越权"}),
             (f"/publish/disclosures/{published}/edit", {**meta, "matter": "改掉", "markdown": "改掉"}),
             (f"/publish/disclosures/{draft}/edit", {**meta, "keep": str(objs["attachment"].id)}),
             (f"/publish/disclosures/{draft}/publish", {}),
             (f"/publish/disclosures/{draft}/discard", {}),
             (f"/publish/reports/{report}/edit", {"title": "改掉", "duties": "改掉", "reason": "越权"}),
             (f"/publish/reports/{report}/publish", {}),
             (f"/publish/reports/{report}/discard", {})]
    return gets, posts


def _snapshot(objs) -> dict:
    db.session.expire_all()
    village = db.session.get(Village, objs["village"].id)
    item = db.session.get(PowerItem, objs["item"].id)
    draft = db.session.get(Disclosure, objs["draft"].id)
    report = db.session.get(DutyReport, objs["report"].id)
    published = db.session.get(Disclosure, objs["published"].id)
    return {"chain": (village.chain_length, village.chain_head, village.content_version),
            "item": (item.title, item.sort_order, item.retired_at),
            "draft": (draft.status, draft.title, draft.draft_content),
            "published": (published.revision_count, published.draft_content, published.draft_reason),
            "report": (report.revision_count, report.title, report.draft_content, report.draft_reason),
            "attachment": db.session.get(Attachment, objs["attachment"].id) is not None}


def test_cadre_of_xikou_cannot_touch_shangtang_by_any_url_or_post(ctx, app, client, login_as, shangtang):
    login_as("cadre_xikou")
    app.config["WTF_CSRF_ENABLED"] = False  # the scope check itself must refuse, not the CSRF guard
    before = _snapshot(shangtang)
    gets, posts = _urls(shangtang)
    for url in gets:
        assert client.get(url).status_code in (403, 404), url
    for url, data in posts:
        assert client.post(url, data=data).status_code in (403, 404), url
    assert _snapshot(shangtang) == before


def test_posted_ids_of_another_village_are_ignored(ctx, app, client, forms, login_as, shangtang):
    login_as("cadre_xikou")
    foreign = shangtang["attachment"]
    response = forms.post("/publish/disclosures/new/attachment",
                          {"domain": "village", "topic": "other", "title": "溪口村照片", "keep": str(foreign.id),
                           "files": [upload(png(), "溪口.png")]}, content_type="multipart/form-data")
    assert response.status_code == 302
    created = db.session.scalar(select(Disclosure).where(Disclosure.title == "溪口村照片"))
    assert created.village.code != VILLAGE
    assert [f["name"] for f in created.draft_content["files"]] == ["溪口.png"]
    db.session.expire_all()
    assert db.session.get(Attachment, foreign.id).disclosure_id == shangtang["draft"].id


def test_own_dashboard_shows_only_own_village(client, login_as, shangtang):
    login_as("cadre_xikou")
    page = client.get("/publish/").get_data(as_text=True)
    assert "溪口村" in page and "上塘村草稿" not in page and "上塘村2025年1月财务收支明细" not in page


def _all_publish_urls(app, objs) -> list[tuple[str, str]]:
    values = {"item_id": objs["item"].id, "disclosure_id": objs["draft"].id, "report_id": objs["report"].id,
              "template_id": db.session.scalar(select(PowerTemplate.id)), "kind": "text",
              "topic": "subsidy", "fmt": "csv",
              "update_id": db.session.scalar(select(PowerUpdate.id).where(PowerUpdate.village_id == objs["village"].id))}
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/publish/"):
            path = rule.rule
            for name in rule.arguments:
                path = path.replace(f"<int:{name}>", str(values[name])).replace(f"<{name}>", str(values[name]))
            urls += [(method, path) for method in sorted(rule.methods & {"GET", "POST"})]
    return urls


@pytest.mark.parametrize("username", ["handler_baishi", "county_handler", "county_admin"])
def test_handlers_and_admin_cannot_publish(ctx, app, client, login_as, shangtang, username):
    login_as(username)
    app.config["WTF_CSRF_ENABLED"] = False
    before = _snapshot(shangtang)
    urls = _all_publish_urls(app, shangtang)
    assert len(urls) > 20
    for method, url in urls:
        assert client.open(url, method=method, data={"title": "x"}).status_code == 403, (method, url)
    assert _snapshot(shangtang) == before


def test_anonymous_visitors_are_sent_to_sign_in(ctx, app, client, shangtang):
    app.config["WTF_CSRF_ENABLED"] = False
    for method, url in _all_publish_urls(app, shangtang):
        response = client.open(url, method=method)
        assert response.status_code in (302, 401), (method, url)
        if response.status_code == 302:
            assert "/auth/login" in response.headers["Location"]
