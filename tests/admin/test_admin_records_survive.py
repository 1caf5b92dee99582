"""Admin changes never lose the public record or complaints, and the admin never sees complaint contents."""
from conftest import Auth, Forms
from demo_ids import VILLAGE

from admin.test_admin_guard import SAMPLE_ARGS
from portal.accounts.models import User
from portal.complaints.models import Complaint
from portal.extensions import db
from portal.places.models import Village
from portal.records.integrity import verify_all
from portal.records.models import PublishedRevision

SECRET_STORY = "村主任把补贴打进了亲戚的卡里XYZZY"


def _add_complaint() -> Complaint:
    village = db.session.query(Village).filter_by(code=VILLAGE).one()
    complaint = Complaint(case_number="339901-2026-990001", receipt_hash="h" * 64, village_id=village.id,
                          township_id=village.township_id, category="subsidy_fraud", about="村委会主任",
                          description=SECRET_STORY, anonymous=True)
    db.session.add(complaint)
    db.session.commit()
    return complaint


def test_deactivating_a_cadre_and_renaming_the_village_keep_revisions_and_complaints(ctx, app, admin, forms):
    complaint_id = _add_complaint().id
    cadre = db.session.query(User).filter_by(username="cadre_shangtang").one()
    revisions = db.session.query(PublishedRevision).filter_by(published_by_id=cadre.id).count()
    assert revisions > 0
    forms.post(f"/admin/accounts/{cadre.id}/deactivate", {}, form_url=f"/admin/accounts/{cadre.id}")
    forms.post(f"/admin/villages/{VILLAGE}", {"name": "上塘新村", "supervision_phone": ""})
    db.session.expire_all()
    assert db.session.query(User).filter_by(username="cadre_shangtang").one().is_active is False
    assert db.session.query(PublishedRevision).filter_by(published_by_id=cadre.id).count() == revisions
    assert db.session.get(Complaint, complaint_id).description == SECRET_STORY
    _checked, broken = verify_all()
    assert not broken


def test_no_admin_page_shows_complaint_contents(ctx, app, admin, client):
    _add_complaint()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin") or "GET" not in rule.methods:
            continue
        args = {name: SAMPLE_ARGS[name] for name in rule.arguments}
        url = rule.build(args)[1] if args else rule.rule
        body = client.get(url).get_data(as_text=True)
        assert SECRET_STORY not in body and "339901-2026-990001" not in body, url


def test_admin_actions_are_refused_to_a_stale_admin_session(ctx, app, forms):
    other = app.test_client()
    Auth(other).login("county_admin")
    Auth(other).logout()
    user = db.session.query(User).filter_by(username="cadre_xikou").one()
    response = Forms(other).post(f"/admin/accounts/{user.id}/deactivate", {}, form_url="/auth/login")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    db.session.expire_all()
    assert db.session.get(User, user.id).is_active
