"""民主测评: opening rounds, one-time ballot codes, voting once, closing and publishing results."""
from datetime import timedelta

import pytest
from demo_ids import FAR_VILLAGE, VILLAGE

from duty.conftest import reports_of
from portal.core.db import utcnow, write_transaction
from portal.duty import evaluation_service as service
from portal.duty.models import BallotCode, DutyReport, EvaluationRound, EvaluationVote
from portal.extensions import db
from portal.places.models import Village

WRONG_MESSAGE = "This code is not valid."


def _round() -> EvaluationRound:
    return db.session.query(EvaluationRound).order_by(EvaluationRound.id.desc()).first()


def test_handler_opens_a_round_and_gets_each_code_once(ctx, open_round, client):
    response, codes, ids = open_round(voters=60)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert len(codes) == 60 == len(set(codes))
    rnd = _round()
    assert rnd.report_ids == ids and rnd.voter_count == 60
    stored = {b.code_hash for b in db.session.query(BallotCode).filter_by(round_id=rnd.id)}
    assert len(stored) == 60
    digits = [c.replace(" ", "") for c in codes]
    assert not any(d in h for d in digits for h in stored)  # only keyed hashes are kept
    assert {service.code_hash(d, "evaluation") for d in digits} == stored
    # The round's page never shows the codes again.
    later = client.get(f"/evaluation/{rnd.id}").get_data(as_text=True)
    assert not any(c in later for c in codes) and not any(c.replace(" ", "") in later for c in codes)


@pytest.mark.parametrize("username, status", [("handler_dongshan", 403), ("cadre_shangtang", 403),
                                              ("county_admin", 403)])
def test_only_the_villages_own_township_handler_opens_rounds(client, as_user, username, status):
    as_user(username)
    assert client.get(f"/evaluation/villages/{VILLAGE}/new").status_code == status


def test_anonymous_visitors_cannot_open_rounds(client):
    response = client.get(f"/evaluation/villages/{VILLAGE}/new")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_bad_round_input_changes_nothing(ctx, client, forms, as_user):
    as_user("handler_baishi")
    before = db.session.query(EvaluationRound).count()
    other = reports_of(FAR_VILLAGE) or [None]
    for data in ({"title": "x", "reports": [r.id for r in reports_of(VILLAGE)], "closes_at": "2000-01-01T10:00",
                  "voter_count": "5"},
                 {"title": "x", "reports": [], "closes_at": "2099-01-01T10:00", "voter_count": "5"},
                 {"title": "x", "reports": [r.id for r in reports_of(VILLAGE)], "closes_at": "tomorrow",
                  "voter_count": "0"},
                 {"title": "x", "reports": [o.id for o in other if o], "closes_at": "2099-01-01T10:00",
                  "voter_count": "5"}):
        response = forms.post(f"/evaluation/villages/{VILLAGE}/new", data)
        assert response.status_code == 200 and 'class="error-summary"' in response.get_data(as_text=True)
    assert db.session.query(EvaluationRound).count() == before


def test_a_resident_rates_every_report_once(ctx, open_round, vote):
    _response, codes, ids = open_round()
    shown = vote(codes[0], None, step_only=True).get_data(as_text=True)
    for report in reports_of(VILLAGE):
        assert report.title in shown
    done = vote(codes[0], {ids[0]: "satisfied", ids[1]: "dissatisfied"})
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    votes = db.session.query(EvaluationVote).all()
    assert sorted((v.report_id, v.rating) for v in votes) == [(ids[0], "satisfied"), (ids[1], "dissatisfied")]


def test_a_code_cannot_be_reused(ctx, open_round, vote):
    _response, codes, ids = open_round()
    vote(codes[0], {rid: "satisfied" for rid in ids})
    again = vote(codes[0], {rid: "dissatisfied" for rid in ids})
    assert "already been used" in again.get_data(as_text=True)
    assert db.session.query(EvaluationVote).count() == len(ids)
    with pytest.raises(service.BallotRefused):
        with write_transaction():
            service.cast(codes[0], {rid: "satisfied" for rid in ids})


def test_a_ballot_missing_a_rating_records_nothing_and_keeps_the_code(ctx, open_round, vote):
    _response, codes, ids = open_round()
    partial = vote(codes[1], {ids[0]: "satisfied"})
    assert 'class="error-summary"' in partial.get_data(as_text=True)
    assert db.session.query(EvaluationVote).count() == 0
    assert vote(codes[1], {rid: "basically_satisfied" for rid in ids}).status_code == 200
    assert db.session.query(EvaluationVote).count() == len(ids)


@pytest.mark.parametrize("typed", ["0000 0000 0000", "123", "abcd efgh ijkl", "1234-5678-9012-3456", "",
                                   "１２３４５６７８９０１２", "' OR 1=1 --"])
def test_wrong_codes_all_get_one_uniform_message(ctx, open_round, vote, typed):
    open_round()
    response = vote(typed, None, step_only=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    if typed:
        assert WRONG_MESSAGE in body
    assert db.session.query(EvaluationVote).count() == 0


def test_codes_typed_with_spaces_dashes_or_full_width_digits_work(ctx, open_round, vote):
    _response, codes, ids = open_round()
    digits = codes[2].replace(" ", "")
    fancy = "-".join(digits[i:i + 4] for i in (0, 4, 8)).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    body = vote(fancy, None, step_only=True).get_data(as_text=True)
    assert 'name="step" value="vote"' in body and reports_of(VILLAGE)[0].title in body


def test_guessing_codes_is_rate_limited_with_a_chinese_429(app, open_round, vote):
    _response, codes, _ids = open_round(voters=8)
    app.config["BALLOT_GUESS_LIMIT"] = "3 per hour"
    for code in codes[:5]:  # looking up valid codes is not guessing and never counts
        assert vote(code, None, step_only=True).status_code == 200
    for n in range(3):
        assert vote(f"9999 9999 999{n}", None, step_only=True).status_code == 200
    blocked = vote(codes[5], None, step_only=True, lang=None)
    assert blocked.status_code == 429
    assert "尝试次数过多" in blocked.get_data(as_text=True)


def test_closed_rounds_refuse_votes_and_the_job_publishes_results(ctx, open_round, vote, client, runner):
    _response, codes, ids = open_round()
    vote(codes[0], {rid: "satisfied" for rid in ids})
    rnd = _round()
    rnd.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    refused = vote(codes[1], {rid: "satisfied" for rid in ids})
    assert "This evaluation is closed" in refused.get_data(as_text=True)
    result = runner.invoke(args=["jobs", "run-once"])
    assert result.exit_code == 0 and "closed 1 evaluation rounds" in result.output, result.output
    db.session.expire_all()
    assert _round().closed_at is not None
    counts = db.session.get(DutyReport, ids[0]).rating_counts
    assert counts == {"satisfied": 1, "basically_satisfied": 0, "dissatisfied": 0, "valid": 1, "rate": 100.0}


def test_results_are_published_when_the_handler_closes_the_round(ctx, app, open_round, forms, client):
    _response, codes, ids = open_round(voters=58)
    village = db.session.query(Village).filter_by(code=VILLAGE).one()
    version = village.content_version
    plan = ["satisfied"] * 41 + ["basically_satisfied"] * 14 + ["dissatisfied"] * 3
    for code, rating in zip(codes, plan, strict=False):
        with write_transaction():
            service.cast(code, {ids[0]: rating, ids[1]: "satisfied"})
    rnd = _round()
    response = forms.post(f"/evaluation/{rnd.id}/close", {}, form_url=f"/evaluation/{rnd.id}")
    assert response.status_code == 302
    db.session.expire_all()
    first = db.session.get(DutyReport, ids[0]).rating_counts
    assert first == {"satisfied": 41, "basically_satisfied": 14, "dissatisfied": 3, "valid": 58, "rate": 94.8}
    assert db.session.get(Village, village.id).content_version > version
    page = client.get(f"/villages/{VILLAGE}/reports/{ids[0]}").get_data(as_text=True)
    assert "94.8%" in page
    assert "94.8%" in client.get(f"/evaluation/{rnd.id}").get_data(as_text=True)


def test_public_pages_never_write_and_the_job_publishes_results_once(ctx, open_round, app, count_queries, runner):
    _response, codes, ids = open_round(voters=3)
    for code, rating in zip(codes, ("satisfied", "basically_satisfied", "dissatisfied"), strict=False):
        with write_transaction():
            service.cast(code, {rid: rating for rid in ids})
    rnd = _round()
    rnd.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    visitor = app.test_client()
    writes = []

    def spy(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE")):
            writes.append(statement)

    import sqlalchemy as sa

    sa.event.listen(db.engine, "before_cursor_execute", spy)
    try:
        for url in (f"/villages/{VILLAGE}/reports/{ids[1]}", "/ballot", f"/villages/{VILLAGE}"):
            assert visitor.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", spy)
    assert writes == []
    db.session.expire_all()
    assert _round().closed_at is None
    assert "closed 1 evaluation rounds" in runner.invoke(args=["jobs", "run-once"]).output
    assert "closed 0 evaluation rounds" in runner.invoke(args=["jobs", "run-once"]).output
    page = visitor.get(f"/villages/{VILLAGE}/reports/{ids[1]}").get_data(as_text=True)
    assert "66.7%" in page
    db.session.expire_all()
    assert db.session.get(DutyReport, ids[1]).rating_counts["valid"] == 3 and _round().closed_at is not None


def test_a_report_is_in_one_open_round_at_a_time(open_round):
    open_round()
    response, codes, _ids = open_round()
    assert codes == [] and 'class="error-summary"' in response.get_data(as_text=True)
