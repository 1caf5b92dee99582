"""群众最不满意的10件事: the public page, proposals and voting; the township handler's management pages."""
from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.ballots.codes import BallotRefused
from portal.ballots.forms import CodeForm, ConfirmForm
from portal.ballots.limits import ballot_guess_limit, mark_refused
from portal.core.db import write_transaction
from portal.core.errors import PortalError
from portal.core.exports import csv_response, wants_csv
from portal.core.forms import show_errors
from portal.core.http import conditional, no_store
from portal.core.labels import label
from portal.core.permissions import (
    can_create_poll,
    can_run_poll,
    can_view_oversight,
    guard_area,
    poll_scope_filter,
    require,
)
from portal.core.ratelimit import address_key
from portal.core.timezone import local_today
from portal.core.urls import public_base_url
from portal.extensions import db, limiter
from portal.places.models import Township
from portal.places.service import get_township
from portal.polls import service
from portal.polls.forms import BallotsForm, ModerationForm, PollForm, ProgressForm, ProposalForm
from portal.polls.models import VOTES_PER_BALLOT, GrievancePoll, PollOption

bp = Blueprint("polls", __name__)
# Only accepted submissions (answered with a redirect) count, so fixing a form error costs nothing.
proposal_limit = limiter.limit(lambda: current_app.config.get("POLL_PROPOSAL_LIMIT", "10 per hour;50 per day"),
                               key_func=address_key, methods=["POST"],
                               deduct_when=lambda response: response.status_code == 302)




# ---- public -----------------------------------------------------------------------------

def _poll_for(code: str) -> tuple[Township, GrievancePoll | None, list[GrievancePoll]]:
    township = get_township(code)
    polls = service.polls_of(township)
    return township, (polls[0] if polls else None), polls


@bp.get("/townships/<code>/top-ten")
@conditional
def top_ten(code: str):
    township, poll, polls = _poll_for(code)
    today = local_today()
    published = {p.id: service.top_ten(p) for p in polls if p.results_published_at}
    if wants_csv(request):
        rows = []
        for p in polls:
            for o in published.get(p.id, []):
                entries = [(e.posted_on.isoformat(), e.note, e.solved) for e in o.progress] or [("", "", "")]
                rows += [(p.year, o.rank, o.title, o.vote_count, o.lead_unit, *entry) for entry in entries]
        return csv_response(f"{township.code}-top-ten.csv", ("year", "rank", "problem", "votes", "lead_unit",
                                                              "progress_date", "progress", "solved"), rows)
    candidates = service.options(poll, "accepted") if poll and not poll.results_published_at else []
    return render_template("polls/top_ten.html", township=township, poll=poll, polls=polls, published=published,
                           phase=service.phase(poll, today) if poll else None, candidates=candidates,
                           phase_of=lambda p: service.phase(p, today))


@bp.route("/townships/<code>/top-ten/propose", methods=["GET", "POST"])
@proposal_limit
@conditional
def proposal_new(code: str):
    township, poll, _polls = _poll_for(code)
    if poll is None or service.phase(poll, local_today()) != "proposals":
        return render_template("polls/closed.html", township=township, poll=poll), 409
    form = ProposalForm()
    if form.validate_on_submit():
        try:
            with write_transaction():
                service.propose(poll, form.title.data, form.detail.data, local_today())
        except PortalError as exc:
            show_errors(form, exc)
        else:
            flash(_("Thank you. Your proposal was received; the township reviews every proposal before the vote."),
                  "success")
            return redirect(url_for("polls.top_ten", code=township.code))
    return render_template("polls/proposal_new.html", township=township, poll=poll, form=form)


@bp.route("/townships/<code>/top-ten/vote", methods=["GET", "POST"])
@ballot_guess_limit
def vote(code: str):
    township, poll, _polls = _poll_for(code)
    today = local_today()
    if poll is None or service.phase(poll, today) != "voting":
        return render_template("polls/closed.html", township=township, poll=poll), 409
    form = CodeForm()

    def page(name: str, **extra):
        # A ballot code is as good as a vote: no copy may stay in a cache.
        return no_store(make_response(render_template(name, township=township, poll=poll, form=form, **extra)))

    if request.method == "GET":
        return page("polls/vote_code.html")
    if not form.validate_on_submit():
        mark_refused()
        return page("polls/vote_code.html")
    candidates = service.options(poll, "accepted")
    chosen = [int(v) for v in request.form.getlist("option") if v.isascii() and v.isdigit() and len(v) < 12]
    try:
        service.find_ballot(poll, form.code.data, today)
        if request.form.get("step") != "vote":
            return page("polls/vote_choose.html", candidates=candidates, chosen=[], most=VOTES_PER_BALLOT)
        with write_transaction():
            service.vote(poll, form.code.data, chosen, today)
    except BallotRefused as exc:
        mark_refused()
        show_errors(form, exc)
        return page("polls/vote_code.html")
    except PortalError as exc:
        return page("polls/vote_choose.html", candidates=candidates, chosen=chosen, most=VOTES_PER_BALLOT,
                    error=exc.message)
    return page("polls/vote_done.html")


# ---- township handlers ---------------------------------------------------------------------

# The management pages belong to the oversight area and wear its guard.
staff_only = guard_area(can_view_oversight).view


def _managed(poll_id: int) -> GrievancePoll:
    poll = db.session.get(GrievancePoll, poll_id)
    if poll is None:
        abort(404)
    require(can_run_poll(current_user, poll.township))
    return poll


@bp.get("/oversight/polls/")
@staff_only
def poll_list():
    stmt = (select(GrievancePoll).where(poll_scope_filter(current_user, GrievancePoll))
            .order_by(GrievancePoll.year.desc(), GrievancePoll.township_id))
    polls = list(db.session.scalars(stmt))
    today = local_today()
    if wants_csv(request):
        return csv_response("top-ten-polls.csv", ("township", "year", "title", "phase", "proposals_from",
                                                  "proposals_until", "voting_from", "voting_until"),
                            ((p.township.name, p.year, p.title, service.phase(p, today), p.proposals_from,
                              p.proposals_until, p.voting_from, p.voting_until) for p in polls))
    return render_template("polls/poll_list.html", polls=polls, phase_of=lambda p: service.phase(p, today),
                           may_create=can_create_poll(current_user))


@bp.route("/oversight/polls/new", methods=["GET", "POST"])
@staff_only
def poll_new():
    require(can_create_poll(current_user))
    township = db.session.get(Township, current_user.township_id)
    require(township is not None and can_run_poll(current_user, township))
    form = PollForm()
    if request.method == "GET":
        form.year.data = local_today().year
        form.title.data = _("%(township)s: the 10 problems residents are least satisfied with, %(year)d",
                            township=township.name, year=local_today().year)
    if form.validate_on_submit():
        try:
            with write_transaction():
                poll = service.create(current_user, township, year=form.year.data, title=form.title.data,
                                      proposals_from=form.proposals_from.data,
                                      proposals_until=form.proposals_until.data,
                                      voting_from=form.voting_from.data, voting_until=form.voting_until.data)
        except PortalError as exc:
            show_errors(form, exc)
        else:
            return redirect(url_for("polls.poll_manage", poll_id=poll.id))
    return render_template("polls/poll_new.html", form=form, township=township)


def _moderation_form(poll: GrievancePoll, option_id: int, accepted, formdata=None) -> ModerationForm:
    # One form per proposal on the page: the prefix keeps their field ids apart.
    form = ModerationForm(formdata=formdata, prefix=f"m{option_id}")
    form.into.choices = [(o.id, o.title) for o in accepted if o.id != option_id]
    return form


def _manage_page(poll: GrievancePoll, *, failed=None, error: str | None = None):
    """Render the management page; ``failed`` is a posted form to show again with its errors."""
    today = local_today()
    accepted = service.options(poll, "accepted")
    pending = service.options(poll, "pending")
    top = service.top_ten(poll) if poll.results_published_at else []
    moderation = {o.id: _moderation_form(poll, o.id, accepted) for o in pending}
    progress = {o.id: ProgressForm(formdata=None, prefix=f"p{o.id}", posted_on=today) for o in top}
    ballots = BallotsForm(formdata=None)
    if failed is not None:
        kind, key, form = failed
        {"moderation": moderation, "progress": progress}.get(kind, {})[key] = form
        if kind == "ballots":
            ballots = form
        shown = {"moderation": any(o.id == key for o in pending),
                 "progress": any(o.id == key and not o.solved_at for o in top),
                 "ballots": service.phase(poll, today) not in ("counting", "published")}[kind]
        if not shown and error is None:
            # The form is gone from the page (proposal decided, problem solved, voting over): say why at the top.
            error = next((m for messages in form.errors.values() for m in messages), None) or \
                _("That action is not possible here.")
    return render_template("polls/poll_manage.html", poll=poll, phase=service.phase(poll, today), pending=pending,
                           accepted=accepted, others=service.options(poll, "merged", "rejected"),
                           moderation=moderation, ballots=ballots, progress=progress, confirm=ConfirmForm(),
                           top=top, error=error)


@bp.get("/oversight/polls/<int:poll_id>")
@staff_only
def poll_manage(poll_id: int):
    return _manage_page(_managed(poll_id))


@bp.post("/oversight/polls/<int:poll_id>/options/<int:option_id>/moderate")
@staff_only
def option_moderate(poll_id: int, option_id: int):
    poll = _managed(poll_id)
    option = db.session.get(PollOption, option_id)
    if option is None or option.poll_id != poll.id:
        abort(404)
    form = _moderation_form(poll, option_id, service.options(poll, "accepted"), formdata=request.form)
    if form.validate_on_submit():
        try:
            with write_transaction():
                service.moderate(poll, db.session.get(PollOption, option_id), form.action.data, local_today(),
                                 title=form.title.data, into_id=form.into.data, note=form.note.data)
        except PortalError as exc:
            show_errors(form, exc)
        else:
            flash(_("Saved: %(decision)s.", decision=label("option_status", option.status)), "success")
            return redirect(url_for("polls.poll_manage", poll_id=poll.id))
    return _manage_page(poll, failed=("moderation", option_id, form)), 400


@bp.post("/oversight/polls/<int:poll_id>/ballots")
@staff_only
def ballots_issue(poll_id: int):
    poll = _managed(poll_id)
    form = BallotsForm()
    if form.validate_on_submit():
        try:
            with write_transaction():
                codes = service.issue_ballots(poll, form.count.data, local_today())
        except PortalError as exc:
            show_errors(form, exc)
        else:
            vote_url = public_base_url() + url_for("polls.vote",
                                                                                    code=poll.township.code)
            return render_template("polls/codes_sheet.html", poll=poll, codes=codes, vote_url=vote_url)
    return _manage_page(poll, failed=("ballots", None, form)), 400


@bp.post("/oversight/polls/<int:poll_id>/publish")
@staff_only
def results_publish(poll_id: int):
    poll = _managed(poll_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        with write_transaction():
            service.publish_results(poll, local_today())
    except PortalError as exc:
        return _manage_page(poll, error=exc.message), 400
    flash(_("The top ten are published."), "success")
    return redirect(url_for("polls.poll_manage", poll_id=poll.id))


@bp.post("/oversight/polls/<int:poll_id>/options/<int:option_id>/progress")
@staff_only
def progress_post(poll_id: int, option_id: int):
    poll = _managed(poll_id)
    form = ProgressForm(prefix=f"p{option_id}")
    if form.validate_on_submit():
        try:
            with write_transaction():
                option = db.session.get(PollOption, option_id)
                if option is None:
                    abort(404)
                service.post_progress(poll, option, current_user, posted_on=form.posted_on.data,
                                      note=form.note.data, solved=form.solved.data, lead_unit=form.lead_unit.data,
                                      today=local_today())
        except PortalError as exc:
            show_errors(form, exc)
        else:
            flash(_("Progress posted."), "success")
            return redirect(url_for("polls.poll_manage", poll_id=poll.id))
    return _manage_page(poll, failed=("progress", option_id, form)), 400
