"""民主测评: handlers open rounds and print codes; residents vote once at /ballot."""
from datetime import datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.ballots.forms import CodeForm, ConfirmForm
from portal.ballots.limits import ballot_guess_limit, mark_refused
from portal.core.db import utcnow, write_transaction
from portal.core.errors import PortalError
from portal.core.forms import show_errors
from portal.core.permissions import (
    can_manage_evaluation,
    can_open_evaluation,
    can_run_evaluations,
    evaluation_village_filter,
    guard_area,
    require,
)
from portal.core.timezone import local_today, local_zone
from portal.core.urls import public_base_url
from portal.duty import evaluation_service as service
from portal.duty.evaluation_forms import RoundForm
from portal.duty.models import EvaluationRound
from portal.extensions import db
from portal.places.models import Village
from portal.places.service import get_village

bp = Blueprint("evaluation", __name__)
# /ballot is public; the /evaluation/ pages are the township handlers' area.
handlers_only = guard_area(can_run_evaluations).view


# ---- township handlers ----------------------------------------------------------------

@bp.get("/evaluation/")
@handlers_only
def round_list():
    villages = list(db.session.scalars(select(Village).where(evaluation_village_filter(current_user, Village))
                                       .order_by(Village.code)))
    rounds = list(db.session.scalars(select(EvaluationRound)
                                     .where(EvaluationRound.village_id.in_([v.id for v in villages]))
                                     .order_by(EvaluationRound.opened_at.desc())))
    return render_template("duty/round_list.html", villages=villages, rounds=rounds, now=utcnow())


def _local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=local_zone())


@bp.route("/evaluation/villages/<code>/new", methods=["GET", "POST"])
@handlers_only
def round_new(code: str):
    village = get_village(code)
    require(can_open_evaluation(current_user, village))
    reports = service.published_reports(village)
    form = RoundForm()
    form.reports.choices = [(r.id, f"{r.title} · {r.cadre_name} · {r.period}") for r in reports]
    if request.method == "GET":
        form.title.data = _("%(village)s duty-report evaluation %(year)s", village=village.name,
                            year=local_today().year)
        form.reports.data = [r.id for r in reports]
        form.closes_at.data = (datetime.now(local_zone()) + timedelta(days=7)).replace(
            hour=18, minute=0, second=0, microsecond=0, tzinfo=None)
    if form.validate_on_submit():
        try:
            with write_transaction():
                rnd, codes = service.open_round(current_user, village, title=form.title.data,
                                                report_ids=form.reports.data, closes_at=_local(form.closes_at.data),
                                                voter_count=form.voter_count.data)
        except PortalError as exc:
            show_errors(form, exc)
        else:
            # The codes exist only in this response: they are stored as keyed hashes.
            body = render_template("duty/codes_sheet.html", village=village, round=rnd, codes=codes,
                                   reports=[r for r in reports if r.id in rnd.report_ids],
                                   ballot_url=public_base_url() + "/ballot")
            return body
    return render_template("duty/round_new.html", village=village, form=form, has_reports=bool(reports))


def _get_round(round_id: int) -> EvaluationRound:
    rnd = db.session.get(EvaluationRound, round_id)
    if rnd is None:
        abort(404)
    require(can_manage_evaluation(current_user, rnd))
    return rnd


@bp.get("/evaluation/<int:round_id>")
@handlers_only
def round_show(round_id: int):
    rnd = _get_round(round_id)
    results = service.tally(rnd) if rnd.closed_at else None
    reports = list(db.session.scalars(select(service.DutyReport).where(
        service.DutyReport.id.in_(rnd.report_ids or []))))
    return render_template("duty/round_show.html", round=rnd, reports=reports, results=results,
                           used=service.used_count(rnd), form=ConfirmForm(), open=service.is_open(rnd, utcnow()))


@bp.post("/evaluation/<int:round_id>/close")
@handlers_only
def round_close(round_id: int):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    with write_transaction():
        rnd = _get_round(round_id)
        service.close_round(rnd, utcnow())
    flash(_("The evaluation is closed and its results are published."), "success")
    return redirect(url_for("evaluation.round_show", round_id=round_id))


# ---- residents ------------------------------------------------------------------------
# Ballot pages (like every /evaluation page) are sent with no-store: see core.http.

def _refused(form, exc: PortalError | None):
    mark_refused()
    if exc is not None:
        show_errors(form, exc)
    return render_template("duty/ballot_code.html", form=form)


def _ratings() -> dict[int, str]:
    return {int(key[7:]): value for key, value in request.form.items()
            if key.startswith("report_") and key[7:].isascii() and key[7:].isdigit() and len(key) < 20}


@bp.route("/ballot", methods=["GET", "POST"])
@ballot_guess_limit
def ballot():
    form = CodeForm()
    if request.method == "GET":
        return render_template("duty/ballot_code.html", form=form)
    if not form.validate_on_submit():
        return _refused(form, None)
    try:
        found = service.find_ballot(form.code.data)
        if request.form.get("step") != "vote":
            return render_template("duty/ballot_vote.html", form=form, ballot=found, ratings={})
        with write_transaction():
            rnd = service.cast(form.code.data, _ratings())
    except service.BallotRefused as exc:
        return _refused(form, exc)
    except PortalError as exc:
        # Nothing was recorded: show the same ballot again with what was chosen.
        return render_template("duty/ballot_vote.html", form=form, ballot=found, error=exc.message,
                               ratings=_ratings())
    return render_template("duty/ballot_done.html", round=rnd)
