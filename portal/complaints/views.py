"""Public complaint pages: file a complaint, see the receipt once, follow the case."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.complaints import sms_notify, tracking
from portal.complaints.blueprint import bp
from portal.complaints.clock import clock
from portal.complaints.forms import IntakeForm, RateForm, TextForm, TrackForm
from portal.complaints.intake import find_village, resolve_link, submit, villages_by_township
from portal.complaints.models import CATEGORIES, RATINGS
from portal.complaints.ratelimit import intake_limit, track_limit
from portal.complaints.receipt_views import keep_receipt
from portal.complaints.step_views import begin
from portal.core.db import write_transaction
from portal.core.errors import PortalError
from portal.core.forms import show_errors
from portal.core.labels import LABELS
from portal.core.timezone import local_today as today


@bp.errorhandler(429)
def too_many(_exc):
    return render_template("complaints/rate_limited.html"), 429


def _intake_page(form: IntakeForm, errors: dict | None = None, status: int = 200):
    village = find_village(form.village.data)
    link = resolve_link(village, form.power_item.data, form.step.data, form.disclosure.data)
    return render_template(
        "complaints/complaint_new.html", form=form, village=village, link=link, errors=errors or {},
        groups=None if village else villages_by_township(), categories=CATEGORIES,
        category_labels=LABELS["complaint_category"], today=today(),
    ), status


@bp.route("/new", methods=["GET", "POST"])
@intake_limit
def complaint_new():
    if request.method == "GET" and request.args.get("all") == "1":  # every question on one page, for who prefers it
        form = IntakeForm(formdata=None, data={k: request.args.get(k) for k in ("village", "power_item", "step",
                                                                              "disclosure")})
        return _intake_page(form)
    if request.method == "GET":  # one question per page from here on
        return begin()
    # A whole submission in one POST (scripts, the fuzz tests, older pages) follows the same rules.
    form = IntakeForm()
    try:
        complaint, receipt = submit(form.raw(), request.files.getlist("files"), channel="portal")
    except PortalError as exc:
        return _intake_page(form, show_errors(None, exc), 400)
    keep_receipt(complaint, receipt)
    return redirect(url_for("complaints.receipt_show"), code=303)


@bp.route("/track", methods=["GET", "POST"])
@track_limit
def track_show():
    form = TrackForm()
    if request.method == "POST":
        complaint = tracking.find_by_receipt(form.receipt.data)
        if complaint is None:
            # One answer for every wrong receipt: nothing tells a guesser how close they were.
            return render_template("complaints/track_form.html", form=form, not_found=True), 404
        tracking.grant_access(complaint)
        return redirect(url_for("complaints.track_show"), code=303)
    complaint = tracking.tracked_complaint()
    if complaint is None:
        return render_template("complaints/track_form.html", form=TrackForm(formdata=None), not_found=False)
    return _case_page(complaint)


def _case_page(complaint, errors: dict | None = None, forms: dict | None = None, status: int = 200):
    info = tracking.summary(complaint, clock())
    forms = forms or {}
    return render_template(
        "complaints/track_case.html", complaint=complaint, info=info, errors=errors or {},
        answer_form=forms.get("answer") or TextForm(formdata=None),
        info_form=forms.get("info") or TextForm(formdata=None),
        review_form=forms.get("review") or TextForm(formdata=None), rate_form=RateForm(formdata=None),
        ratings=RATINGS,
    ), status


def _act(name: str, action):
    """Run a complainant's action on the case this browser may act on."""
    form = RateForm() if name == "rate" else TextForm()
    complaint = tracking.tracked_complaint()
    if complaint is None:
        flash(_("Your time to act on the case ran out. Please enter your receipt again."), "error")
        return redirect(url_for("complaints.track_show"), code=303)
    try:
        with write_transaction():
            complaint = tracking.tracked_complaint()
            action(complaint, form)
    except PortalError as exc:
        # The review's reason is typed into the form's body field.
        errors = show_errors(None, exc, prefix=f"{name}-", rename={"reason": "body"})
        return _case_page(complaint, errors, {name: form}, 400)
    flash(_CONFIRMATIONS[name](), "success")
    return redirect(url_for("complaints.track_show"), code=303)


# Each action says what happened to it, in words the resident can check.
_CONFIRMATIONS = {
    "answer": lambda: _("Your answer was sent to the handler. It is shown below under What has happened."),
    "info": lambda: _("Your information was added to the case and the handler was told."),
    "rate": lambda: _("Thank you: your rating was recorded."),
    "review": lambda: _("You asked for a review. The county discipline commission will look at the case again."),
    "sms": lambda: _("No more text messages will be sent about this case. Check it here with your receipt."),
}


@bp.post("/track/answer")
def track_answer():
    return _act("answer", lambda c, f: tracking.answer(c, f.body.data))


@bp.post("/track/info")
def track_info():
    return _act("info", lambda c, f: tracking.add_info(c, f.body.data, request.files.getlist("files")))


@bp.post("/track/rate")
def track_rate():
    return _act("rate", lambda c, f: tracking.rate(c, f.rating.data))


@bp.post("/track/review")
def track_review():
    return _act("review", lambda c, f: tracking.request_review(c, f.body.data))


@bp.post("/track/sms-stop")
def track_sms_stop():
    return _act("sms", lambda c, f: sms_notify.stop(c))


@bp.post("/track/leave")
def track_leave():
    tracking.end_access()
    flash(_("You have left the case. Keep your receipt to look again."), "success")
    return redirect(url_for("complaints.track_show"), code=303)

