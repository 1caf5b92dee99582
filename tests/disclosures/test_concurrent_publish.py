"""Cadres publishing in one village at the same moment: all succeed or are told to retry; never a 500.

Real concurrency: eight threads, each with its own signed-in browser session, post the
publish form at the same instant (PostgreSQL when PORTAL_TEST_BACKEND=postgres).
"""
import threading

from demo_ids import VILLAGE
from sqlalchemy import select

from disclosures.support import disclosure_id_of, new_disclosure
from portal.extensions import db
from portal.places.models import Village
from portal.records.chain import verify_chain
from portal.records.models import PublishedRevision
from tests.conftest import Auth, Forms

THREADS = 8
RETRY_TEXT = "at the same moment"


def _drafts(app, n: int) -> list[int]:
    client = app.test_client()
    client.set_cookie("lang", "en")
    Auth(client).login("cadre_shangtang")
    forms = Forms(client)
    return [disclosure_id_of(new_disclosure(forms, "text", {"markdown": f"第{i}号公开：本月收支明细。"},
                                            meta={"title": f"同时发布测试 {i}"})) for i in range(n)]


def _publish_all_at_once(app, ids: list[int]) -> list:
    sessions = []
    for disclosure_id in ids:
        client = app.test_client()
        client.set_cookie("lang", "en")
        Auth(client).login("cadre_shangtang")
        page = client.get(f"/publish/disclosures/{disclosure_id}").get_data(as_text=True)
        from tests.conftest import csrf_from

        sessions.append((client, disclosure_id, csrf_from(page)))
    barrier = threading.Barrier(len(sessions))
    answers = [None] * len(sessions)

    def post(i):
        client, disclosure_id, token = sessions[i]
        barrier.wait()
        answers[i] = client.post(f"/publish/disclosures/{disclosure_id}/publish", data={"csrf_token": token},
                                 follow_redirects=True)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(sessions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return answers


def _village():
    db.session.commit()  # end the read snapshot (SQLite WAL) so the other sessions' commits show
    return db.session.scalar(select(Village).where(Village.code == VILLAGE))


def test_eight_cadre_sessions_publish_in_one_village_at_once(ctx, app):
    ids = _drafts(app, THREADS)
    before = _village()
    length, version = before.chain_length, before.content_version
    answers = _publish_all_at_once(app, ids)
    statuses = [a.status_code for a in answers]
    assert 500 not in statuses and all(s == 200 for s in statuses), statuses
    published = [a for a in answers if "Published as revision" in a.get_data(as_text=True)]
    told_to_retry = [a for a in answers if RETRY_TEXT in a.get_data(as_text=True)]
    assert len(published) + len(told_to_retry) == THREADS
    assert len(published) >= THREADS // 2, "most publishes must simply succeed"
    village = _village()
    assert verify_chain(village) == [], "the chain is no longer linear"
    assert village.chain_length == length + len(published)
    assert village.content_version == version + len(published), "a page-version bump was lost"
    seqs = list(db.session.scalars(select(PublishedRevision.chain_seq).where(PublishedRevision.village_id == village.id)
                                   .order_by(PublishedRevision.chain_seq)))
    assert seqs == list(range(1, village.chain_length + 1))


def test_the_same_draft_published_twice_at_once_becomes_one_revision(ctx, app):
    [disclosure_id] = _drafts(app, 1)
    answers = _publish_all_at_once(app, [disclosure_id, disclosure_id])
    assert [a.status_code for a in answers] == [200, 200]
    db.session.commit()
    revisions = list(db.session.scalars(select(PublishedRevision).where(
        PublishedRevision.subject_type == "disclosure", PublishedRevision.subject_id == disclosure_id)))
    assert len(revisions) == 1
    assert verify_chain(_village()) == []
