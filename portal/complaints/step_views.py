"""The complaint form one question per page, starting at /complaints/new (works without JavaScript)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.complaints import steps
from portal.complaints.blueprint import bp
from portal.complaints.intake import find_village, resolve_link, villages_by_township
from portal.complaints.ratelimit import intake_limit, step_limit
from portal.complaints.receipt_views import keep_receipt
from portal.core.errors import PortalError
from portal.core.forms import show_errors
from portal.core.labels import LABELS
from portal.core.timezone import local_today as today


def begin():
    """Start or carry on a draft from /complaints/new (the poster's QR code names the village)."""
    draft = steps.start({k: request.args.get(k) for k in ("village", *steps.LINK_FIELDS)})
    return redirect(url_for("complaints.step_show", step=steps.first_step(draft)), code=303)


def _page(draft: dict, step: str, errors=None, status: int = 200):
    answers = draft["answers"]
    village = find_village(answers.get("village"))
    link = resolve_link(village, answers.get("power_item"), answers.get("step"), answers.get("disclosure"))
    back = steps.previous_step(draft, step)
    return render_template(
        "complaints/step_show.html", step=step, answers=answers, draft=draft, errors=(errors or {}),
        village=village, link=link, back=back, groups=villages_by_township() if step == "village" else None,
        categories=steps.CATEGORY_ORDER, unsure=steps.UNSURE, category_labels=LABELS["complaint_category"],
        today=today(), progress=steps.progress(draft, step), change=request.args.get("change") == "1",
    ), status


@bp.post("/new/payment")
@step_limit
def payment_begin():
    """"这笔不对" on the subsidy self-check: a draft about that payment line (POST keeps it out of URLs and history)."""
    draft = steps.start_payment(request.form.get("payment"))
    if draft is None:
        abort(404)
    return redirect(url_for("complaints.step_show", step=steps.first_step(draft)), code=303)


@bp.get("/new/<step>")
def step_show(step: str):
    if step not in steps.STEPS:
        abort(404)
    draft = steps.load()
    if draft is None:
        return redirect(url_for("complaints.complaint_new"), code=303)
    if step == "contact" and draft["answers"].get("anonymous") != "0":
        return redirect(url_for("complaints.step_show", step="name"), code=303)
    return _page(draft, step)


@bp.post("/new/<step>")
@step_limit
def step_answer(step: str):
    if step not in steps.STEPS or step == "check":
        abort(404)
    draft = steps.load()
    if draft is None:
        flash(_("Your answers were kept for two hours and have expired. Please start again."), "error")
        return redirect(url_for("complaints.complaint_new"), code=303)
    try:
        steps.answer(draft, step, request.form, files=request.files.getlist("files"),
                     voice=request.files.get("voice"), remove=request.form.getlist("remove"))
    except PortalError as exc:
        return _page(draft, step, show_errors(None, exc), 400)
    if step == "what" and request.form.get("more") == "1":  # "add another photo" stays on the page
        return redirect(url_for("complaints.step_show", step=step), code=303)
    following = steps.next_step(draft, step)
    if request.args.get("change") == "1" and not (step == "name" and following == "contact"):
        following = "check"
    return redirect(url_for("complaints.step_show", step=following), code=303)


@bp.post("/new/check")
@intake_limit
def step_send():
    draft = steps.load()
    if draft is None:
        flash(_("Your answers were kept for two hours and have expired. Please start again."), "error")
        return redirect(url_for("complaints.complaint_new"), code=303)
    try:
        complaint, receipt = steps.send(draft)
    except PortalError as exc:
        step = steps.first_with_errors(draft, exc.errors)
        return _page(draft, step, {k: v for k, v in show_errors(None, exc).items() if k in steps.FIELDS[step]}, 400)
    keep_receipt(complaint, receipt)
    return redirect(url_for("complaints.receipt_show"), code=303)
