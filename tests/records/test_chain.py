"""The public record: the chain page anyone can compare, and `flask verify` catching tampering."""
import json

import pytest
import sqlalchemy as sa
from demo_ids import OTHER_VILLAGE, VILLAGE
from sqlalchemy import select

from portal.accounts.models import User
from portal.disclosures import drafting
from portal.disclosures.models import Disclosure
from portal.extensions import db
from portal.places.models import Village
from portal.records.models import PublishedRevision

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")


def _text(response) -> str:
    return response.get_data(as_text=True)


def _village(code=VILLAGE) -> Village:
    db.session.expire_all()
    return db.session.scalar(select(Village).where(Village.code == code))


def _publish_texts(n: int, code=VILLAGE) -> list[Disclosure]:
    """Publish n short notices through the drafting service."""
    village = _village(code)
    cadre = db.session.scalar(select(User).where(User.village_id == village.id))
    made = []
    for i in range(n):
        disclosure = drafting.create_draft(village, cadre, "text", {"domain": "village", "topic": "other",
                                                                    "title": f"通知{i + 1}"},
                                           drafting.text_content(f"第{i + 1}号通知"))
        drafting.publish_draft(disclosure, cadre)
        made.append(disclosure)
    db.session.commit()
    return made


def _correct(disclosure: Disclosure, markdown: str, reason: str) -> None:
    cadre = db.session.get(User, disclosure.created_by_id)
    drafting.save_draft(disclosure, cadre, drafting.meta_of(disclosure), drafting.text_content(markdown), reason)
    drafting.publish_draft(disclosure, cadre)
    db.session.commit()


def test_chain_page_shows_head_count_and_every_link(client):
    village = _village()
    first = _text(client.get(f"/villages/{VILLAGE}/record"))
    assert village.chain_head in first and f"<dd>{village.chain_length}</dd>" in first
    pages, n = [first], 2
    while f"page={n}" in pages[-1]:
        pages.append(_text(client.get(f"/villages/{VILLAGE}/record?page={n}")))
        n += 1
    page = "".join(pages)
    for revision in db.session.scalars(select(PublishedRevision).where(PublishedRevision.village_id == village.id)):
        assert revision.hash in page and revision.prev_hash in page and f"#{revision.chain_seq}" in page
        assert revision.title in page
    assert "0" * 64 in page  # the first link points at the genesis


def test_chain_page_is_paginated_newest_first(client):
    _publish_texts(25)
    village = _village()
    first = _text(client.get(f"/villages/{VILLAGE}/record"))
    second = _text(client.get(f"/villages/{VILLAGE}/record?page=2"))
    assert "通知25" in first and "通知1<" not in first and "page=2" in first
    assert village.chain_length > 20 and "通知1<" in second and "page=1" in second
    assert client.get(f"/villages/{VILLAGE}/record?page=9").status_code == 404
    assert client.get(f"/villages/{VILLAGE}/record?page=0").status_code == 404
    assert client.get("/villages/999999999999/record").status_code == 404


def test_chain_page_revalidates_and_changes_with_the_chain(client):
    response = client.get(f"/villages/{VILLAGE}/record")
    etag = response.headers["ETag"]
    assert client.get(f"/villages/{VILLAGE}/record", headers={"If-None-Match": etag}).status_code == 304
    _publish_texts(1)
    assert client.get(f"/villages/{VILLAGE}/record", headers={"If-None-Match": etag}).status_code == 200


def test_corrections_are_marked_and_linked_to_their_difference(client):
    disclosure = _publish_texts(1)[0]
    _correct(disclosure, "更正后的第1号通知", "错别字")
    page = _text(client.get(f"/villages/{VILLAGE}/record"))
    assert "错别字" in page and f"/villages/{VILLAGE}/disclosures/{disclosure.id}/diff?from=1&amp;to=2" in page


def _verify(runner):
    result = runner.invoke(args=["verify"])
    return result.exit_code, result.output + (result.stderr if hasattr(result, "stderr") else "")


def test_verify_passes_after_publishing_and_correcting(runner):
    disclosure = _publish_texts(2)[0]
    _correct(disclosure, "更正", "原因")
    code, output = _verify(runner)
    assert code == 0 and "OK" in output


def _revision(seq: int, code=VILLAGE) -> PublishedRevision:
    village = _village(code)
    return db.session.scalar(select(PublishedRevision).where(PublishedRevision.village_id == village.id,
                                                             PublishedRevision.chain_seq == seq))


def _sql(statement: str, **params) -> None:
    """Change the database behind the portal's back, as someone with database access could."""
    db.session.remove()
    with db.engine.begin() as conn:
        conn.execute(sa.text(statement), params)


def test_verify_catches_content_changed_in_the_database(runner):
    target = _revision(1, OTHER_VILLAGE)  # 溪口村's subsidy list
    forged = json.loads(json.dumps(target.content))
    forged["rows"][0][-4] = "9564.20"  # someone pays themselves more, afterwards
    _sql("UPDATE published_revision SET content = :c WHERE id = :id", c=json.dumps(forged, ensure_ascii=False),
         id=target.id)
    code, output = _verify(runner)
    assert code != 0
    assert OTHER_VILLAGE in output and "#1" in output and "does not match its hash" in output


def test_verify_catches_a_changed_title(runner):
    target = _revision(1)
    _sql("UPDATE published_revision SET title = :t WHERE id = :id", t="改过的标题", id=target.id)
    code, output = _verify(runner)
    assert code != 0 and VILLAGE in output and "#1" in output


def test_verify_catches_a_deleted_revision(runner):
    disclosure = _publish_texts(1)[0]
    _correct(disclosure, "更正", "原因")  # revision 1 of this disclosure is no longer its current one
    first = db.session.scalar(select(PublishedRevision).where(PublishedRevision.subject_type == "disclosure",
                                                              PublishedRevision.subject_id == disclosure.id,
                                                              PublishedRevision.number == 1))
    seq = first.chain_seq
    _sql("DELETE FROM published_revision WHERE id = :id", id=first.id)
    code, output = _verify(runner)
    assert code != 0 and VILLAGE in output and f"#{seq}" in output and "missing" in output


def test_verify_catches_a_forged_head(runner):
    _sql("UPDATE village SET chain_head = :h WHERE code = :code", h="f" * 64, code=VILLAGE)
    code, output = _verify(runner)
    assert code != 0 and VILLAGE in output and "chain head" in output


def test_village_page_links_to_the_record(client):
    assert f"/villages/{VILLAGE}/record" in _text(client.get(f"/villages/{VILLAGE}"))
