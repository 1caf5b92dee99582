"""群众最不满意的10件事: open, propose, moderate, vote with codes, publish the top ten, track progress."""
import re
from datetime import timedelta

import pytest
from conftest import setup_context

from portal.core.db import write_transaction
from portal.core.timezone import local_today
from portal.extensions import db
from portal.polls import service
from portal.polls.models import GrievancePoll, PollOption, PollVote, RemedyProgress

TOWNSHIP = "339901101"
CODE = re.compile(r'<span class="code">(\d{4} \d{4} \d{4})</span>')
PROBLEMS = ["村道坑洼无人修", "自来水时常浑浊", "垃圾清运不及时", "路灯不亮", "办事要跑好几趟", "低保评定不公开",
            "集体山塘租金去向不明", "村干部作风不实", "小学校车太少", "卫生室缺医少药", "河道淤塞", "停车难"]


def _client(app, lang="en"):
    resident = app.test_client()
    resident.set_cookie("lang", lang)
    return resident


def _post(client, url, data):
    from tests.conftest import csrf_from

    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


@pytest.fixture
def poll(app, client, forms, as_user):
    """A 白石镇 poll whose proposal window is open today (outside ``ctx``: detached)."""
    as_user("handler_baishi")
    today = local_today()
    response = forms.post("/oversight/polls/new", {
        "year": str(today.year), "title": "白石镇群众最不满意的10件事",
        "proposals_from": (today - timedelta(days=1)).isoformat(),
        "proposals_until": (today + timedelta(days=5)).isoformat(),
        "voting_from": (today + timedelta(days=6)).isoformat(),
        "voting_until": (today + timedelta(days=15)).isoformat()})
    assert response.status_code == 302, response.get_data(as_text=True)
    with setup_context(app):
        return db.session.query(GrievancePoll).filter_by(title="白石镇群众最不满意的10件事").one()


def _shift(poll, phase):
    """Move the windows so the poll is in a phase today."""
    today = local_today()
    if phase == "voting":
        poll.proposals_from, poll.proposals_until = today - timedelta(days=10), today - timedelta(days=5)
        poll.voting_from, poll.voting_until = today - timedelta(days=1), today + timedelta(days=3)
    elif phase == "counting":
        poll.voting_until = today - timedelta(days=1)
    db.session.commit()


def _accept_all(poll):
    with write_transaction():
        for option in service.options(poll, "pending"):
            service.moderate(poll, option, "accept", local_today())


def test_the_whole_top_ten_flow(ctx, app, client, forms, poll):
    app.config["POLL_PROPOSAL_LIMIT"] = "100 per hour"
    resident = _client(app)
    for problem in PROBLEMS:
        assert _post(resident, f"/townships/{TOWNSHIP}/top-ten/propose", {"title": problem}).status_code == 302
    pending = service.options(poll, "pending")
    assert len(pending) == 12
    # Moderation: reword and accept, merge a duplicate, reject with a reason.
    manage = f"/oversight/polls/{poll.id}"
    first, dup, junk = pending[0], pending[1], pending[2]
    assert forms.post(f"{manage}/options/{first.id}/moderate",
                      {f"m{first.id}-action": "accept", f"m{first.id}-title": "村道破损，雨天积水"},
                      form_url=manage).status_code == 302
    assert forms.post(f"{manage}/options/{junk.id}/moderate", {f"m{junk.id}-action": "reject"},
                      form_url=manage).status_code == 400  # a rejection needs a reason
    assert forms.post(f"{manage}/options/{junk.id}/moderate",
                      {f"m{junk.id}-action": "reject", f"m{junk.id}-note": "属个人纠纷，已转调解"},
                      form_url=manage).status_code == 302
    assert forms.post(f"{manage}/options/{dup.id}/moderate",
                      {f"m{dup.id}-action": "merge", f"m{dup.id}-into": str(first.id)},
                      form_url=manage).status_code == 302
    db.session.expire_all()
    assert (db.session.get(PollOption, first.id).title, db.session.get(PollOption, first.id).supporters) == (
        "村道破损，雨天积水", 2)
    assert db.session.get(PollOption, dup.id).status == "merged"
    _accept_all(poll)
    accepted = service.options(poll, "accepted")
    assert len(accepted) == 10  # 12 proposals, one merged, one rejected
    with write_transaction():  # two more so the cut at ten is visible
        for title in ("新增问题甲", "新增问题乙"):
            db.session.add(PollOption(poll_id=poll.id, title=title, status="accepted"))
    accepted = service.options(poll, "accepted")

    # Voting with codes: up to three problems per code, once.
    _shift(poll, "voting")
    sheet = forms.post(f"{manage}/ballots", {"count": "40"}, form_url=manage)
    codes = CODE.findall(sheet.get_data(as_text=True))
    assert len(codes) == 40 and sheet.headers["Cache-Control"] == "no-store"
    voter = _client(app)
    vote_url = f"/townships/{TOWNSHIP}/top-ten/vote"
    assert "村道破损" in _post(voter, vote_url, {"code": codes[0]}).get_data(as_text=True)
    too_many = _post(voter, vote_url, {"code": codes[0], "step": "vote",
                                       "option": [str(o.id) for o in accepted[:4]]})
    assert "Choose one, two or three" in too_many.get_data(as_text=True)
    assert db.session.query(PollVote).count() == 0
    done = _post(voter, vote_url, {"code": codes[0], "step": "vote",
                                   "option": [str(accepted[0].id), str(accepted[1].id)]})
    assert "your vote is counted" in done.get_data(as_text=True)
    again = _post(voter, vote_url, {"code": codes[0], "step": "vote", "option": [str(accepted[2].id)]})
    assert "already been used" in again.get_data(as_text=True)
    assert "This code is not valid" in _post(voter, vote_url, {"code": "1111 2222 3333"}).get_data(as_text=True)
    # The rest vote through the service: option k gets 12 - k votes overall.
    tallies = {o.id: 12 - k for k, o in enumerate(accepted)}
    remaining = {o.id: tallies[o.id] - (1 if k < 2 else 0) for k, o in enumerate(accepted)}
    pool = codes[1:]
    while any(remaining.values()):
        chosen = [oid for oid, n in sorted(remaining.items(), key=lambda kv: -kv[1]) if n][:3]
        with write_transaction():
            service.vote(poll, pool.pop(), chosen, local_today())
        for oid in chosen:
            remaining[oid] -= 1

    # Publishing after voting closes: exactly ten ranked, by votes.
    assert forms.post(f"{manage}/publish", {}, form_url=manage).status_code == 400  # still voting
    _shift(poll, "counting")
    assert forms.post(f"{manage}/publish", {}, form_url=manage).status_code == 302
    db.session.expire_all()
    top = service.top_ten(poll)
    assert [o.id for o in top] == [o.id for o in accepted[:10]]
    assert [o.vote_count for o in top] == list(range(12, 2, -1))

    # Progress, dated, until solved.
    winner = top[0]
    today = local_today()
    for day, note, solved in ((today - timedelta(days=20), "镇里已立项，预算12万元", False),
                              (today - timedelta(days=2), "路面修复完成并验收", True)):
        response = forms.post(f"{manage}/options/{winner.id}/progress",
                              {f"p{winner.id}-posted_on": day.isoformat(), f"p{winner.id}-note": note,
                               f"p{winner.id}-lead_unit": "镇村建办",
                               **({f"p{winner.id}-solved": "y"} if solved else {})},
                              form_url=manage)
        assert response.status_code == 302, response.get_data(as_text=True)
    refused = forms.post(f"{manage}/options/{winner.id}/progress",
                         {f"p{winner.id}-posted_on": today.isoformat(), f"p{winner.id}-note": "再补一条"},
                         form_url=manage)
    assert refused.status_code == 400
    assert db.session.query(RemedyProgress).count() == 2

    public = _client(app).get(f"/townships/{TOWNSHIP}/top-ten").get_data(as_text=True)
    assert "村道破损，雨天积水" in public and "路面修复完成并验收" in public and "镇村建办" in public
    assert f'datetime="{(today - timedelta(days=20)).isoformat()}"' in public
    assert "新增问题乙" not in public  # eleventh and twelfth are not in the top ten
    csv_text = _client(app).get(f"/townships/{TOWNSHIP}/top-ten?format=csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeff") and "路面修复完成并验收" in csv_text


def test_proposing_is_rate_limited_per_address(ctx, app, poll):
    app.config["POLL_PROPOSAL_LIMIT"] = "2 per hour"
    resident = _client(app, lang="zh_Hans_CN")
    for n in range(2):
        assert _post(resident, f"/townships/{TOWNSHIP}/top-ten/propose", {"title": f"问题{n}"}).status_code == 302
    blocked = _post(resident, f"/townships/{TOWNSHIP}/top-ten/propose", {"title": "问题3"})
    assert blocked.status_code == 429 and "尝试次数过多" in blocked.get_data(as_text=True)
    assert len(service.options(poll, "pending")) == 2


def test_proposals_are_refused_outside_the_window(ctx, app, poll):
    poll.proposals_until = local_today() - timedelta(days=1)
    db.session.commit()
    resident = _client(app)
    assert resident.get(f"/townships/{TOWNSHIP}/top-ten/propose").status_code == 409
    assert resident.get(f"/townships/{TOWNSHIP}/top-ten/vote").status_code == 409


def test_pending_and_rejected_proposals_are_not_public(app, poll):
    _post(_client(app), f"/townships/{TOWNSHIP}/top-ten/propose", {"title": "张三家占用集体土地"})
    assert "张三家" not in _client(app).get(f"/townships/{TOWNSHIP}/top-ten").get_data(as_text=True)


@pytest.mark.parametrize("username, status", [("handler_dongshan", 403), ("county_admin", 403)])
def test_only_the_townships_handler_manages_its_poll(client, as_user, poll, username, status):
    as_user(username)
    assert client.get(f"/oversight/polls/{poll.id}").status_code == status


def test_staff_pages_need_an_oversight_role(client, as_user):
    assert client.get("/oversight/polls/").status_code == 302
    as_user("cadre_shangtang")
    assert client.get("/oversight/polls/").status_code == 403
    as_user("county_handler")
    assert client.get("/oversight/polls/").status_code == 200
    assert client.get("/oversight/polls/?format=csv").get_data().startswith(b"\xef\xbb\xbf")
    assert client.get("/oversight/polls/new").status_code == 403


def test_windows_must_be_in_order_and_one_poll_a_year(ctx, forms, poll):
    today = local_today()
    response = forms.post("/oversight/polls/new", {
        "year": str(today.year), "title": "重复", "proposals_from": today.isoformat(),
        "proposals_until": today.isoformat(), "voting_from": (today + timedelta(days=1)).isoformat(),
        "voting_until": (today + timedelta(days=2)).isoformat()})
    assert response.status_code == 200 and 'class="error-summary"' in response.get_data(as_text=True)
    response = forms.post("/oversight/polls/new", {
        "year": str(today.year + 1), "title": "乱序", "proposals_from": today.isoformat(),
        "proposals_until": (today + timedelta(days=9)).isoformat(), "voting_from": today.isoformat(),
        "voting_until": (today + timedelta(days=2)).isoformat()})
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert db.session.query(GrievancePoll).filter_by(township_id=poll.township_id).count() == 1


@pytest.mark.parametrize("field, limit", [("title", 255), ("detail", 2000)])
def test_an_over_long_proposal_is_refused_beside_its_field_never_cut(ctx, app, poll, field, limit):
    """The service refuses what the form would: the API or a script gets the same answer, nothing stored."""
    from portal.core.errors import PortalError

    texts = {"title": "路灯不亮", "detail": None, field: "灯" * (limit + 1)}
    before = db.session.query(PollOption).count()
    with pytest.raises(PortalError) as refused, write_transaction():
        service.propose(poll, texts["title"], texts["detail"], local_today())
    assert refused.value.field == field
    assert db.session.query(PollOption).count() == before
    texts[field] = "灯" * limit
    with write_transaction():
        option = service.propose(poll, texts["title"], texts["detail"], local_today())
    assert len(getattr(option, field)) == limit


def test_an_over_long_poll_title_is_refused_not_cut(ctx, app, poll):
    from types import SimpleNamespace

    from portal.core.errors import PortalError

    today = local_today()
    with pytest.raises(PortalError) as refused, write_transaction():
        service.create(SimpleNamespace(id=poll.created_by_id), poll.township, year=today.year + 1, title="十" * 256,
                       proposals_from=today, proposals_until=today + timedelta(days=1),
                       voting_from=today + timedelta(days=2), voting_until=today + timedelta(days=3))
    assert refused.value.field == "title"
    assert db.session.query(GrievancePoll).filter_by(year=today.year + 1).count() == 0
