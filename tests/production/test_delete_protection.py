"""Deleting a village or an account never takes complaints or published revisions with it."""
import pytest
import sqlalchemy as sa
from demo_ids import TOWNSHIP, VILLAGE
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.complaints.models import Complaint, ComplaintEvent
from portal.disclosures.models import Disclosure
from portal.extensions import db
from portal.places.models import Township, Village
from portal.records import service as records
from portal.records.integrity import verify_all
from portal.records.models import PublishedRevision

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")


def _bare_village(code: str) -> Village:
    """A village with nothing else attached, so only what a test adds can block its deletion."""
    township = db.session.scalar(sa.select(Township).where(Township.code == TOWNSHIP))
    village = Village(code=code, name="试验村", name_pinyin="shiyancun", name_initials="syc", township=township)
    db.session.add(village)
    db.session.flush()
    return village


def _complaint(village: Village, number: str, actor: User | None = None) -> Complaint:
    complaint = Complaint(case_number=f"339901-2026-{number}", receipt_hash=number * 8, village_id=village.id,
                          township_id=village.township_id, category="integrity", about="村主任",
                          description="测试删除保护的检举内容。")
    complaint.events.append(ComplaintEvent(kind="status", to_status="received", public=True))
    if actor is not None:
        complaint.events.append(ComplaintEvent(kind="note", body="内部备注", actor_id=actor.id))
    db.session.add(complaint)
    db.session.commit()
    return complaint


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _delete_raw(table: str, row_id: int) -> None:
    db.session.execute(sa.text(f"DELETE FROM {table} WHERE id = :id"), {"id": row_id})
    db.session.flush()


def test_raw_sql_cannot_delete_a_village_that_has_complaints(app):
    village = _bare_village("339901101299")
    _complaint(village, "990001")
    with pytest.raises(IntegrityError):
        _delete_raw("village", village.id)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).where(Complaint.village_id == village.id)) == 1


def test_orm_cannot_delete_a_village_that_has_complaints(app):
    village = _bare_village("339901101298")
    _complaint(village, "990002")
    db.session.delete(village)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(Village, village.id) is not None


def test_a_village_with_published_revisions_cannot_be_deleted(app):
    village = _bare_village("339901101297")
    disclosure = Disclosure(village=village, domain="village", kind="text", topic="other", title="公示")
    db.session.add(disclosure)
    db.session.flush()
    records.publish(disclosure, subject_type="disclosure", content={"kind": "text", "markdown": "x", "html": "x"},
                    title="公示", reason=None, user_id=None)
    db.session.commit()
    # Even with the disclosure itself gone, the revision keeps the village.
    disclosure.current_revision_id = None
    db.session.flush()
    _delete_raw("disclosure", disclosure.id)
    with pytest.raises(IntegrityError):
        _delete_raw("village", village.id)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).where(PublishedRevision.village_id == village.id)) == 1


def test_the_demo_village_cannot_be_deleted_and_nothing_goes_with_the_attempt(app):
    village = db.session.scalar(sa.select(Village).where(Village.code == VILLAGE))
    _complaint(village, "990003")
    before = (_count(Complaint), _count(ComplaintEvent), _count(PublishedRevision))
    for attempt in (lambda: _delete_raw("village", village.id),
                    lambda: (db.session.delete(village), db.session.flush())):
        with pytest.raises(IntegrityError):
            attempt()
        db.session.rollback()
    assert (_count(Complaint), _count(ComplaintEvent), _count(PublishedRevision)) == before


@pytest.mark.parametrize("how", ["sql", "orm"])
def test_deleting_an_account_keeps_its_revisions_and_case_history(app, how):
    publisher = db.session.scalar(sa.select(User).where(User.username == "cadre_shangtang"))
    handler = db.session.scalar(sa.select(User).where(User.username == "handler_baishi"))
    village = db.session.scalar(sa.select(Village).where(Village.code == VILLAGE))
    complaint = _complaint(village, "990004", actor=handler)
    published = db.session.scalars(sa.select(PublishedRevision.id)
                                   .where(PublishedRevision.published_by_id == publisher.id)).all()
    assert published, "the demo cadre should have published something"
    before = (_count(Complaint), _count(ComplaintEvent), _count(PublishedRevision))
    for user in (publisher, handler):
        if how == "sql":
            _delete_raw("user_account", user.id)
        else:
            db.session.delete(user)
            db.session.flush()
    db.session.commit()
    db.session.expire_all()
    assert (_count(Complaint), _count(ComplaintEvent), _count(PublishedRevision)) == before
    for rid in published:
        assert db.session.get(PublishedRevision, rid).published_by_id is None
    actors = db.session.scalars(sa.select(ComplaintEvent.actor_id).where(ComplaintEvent.complaint_id == complaint.id))
    assert list(actors) == [None, None]
    # Who published is not part of the hash, so the chain still verifies.
    assert verify_all()[1] is None
