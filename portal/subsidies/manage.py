"""Township pages: the queue of flagged payment lists and the township's list of deceased persons."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.db import write_transaction
from portal.core.permissions import can_keep_deceased_list, require
from portal.subsidies import registers, review
from portal.subsidies.blueprint import township_bp as bp
from portal.subsidies.rules import RULE_LABELS, anomaly_message


@bp.get("/")
def queue_list():
    done = request.args.get("done") == "1"
    return render_template("subsidies/queue_list.html", reviews=review.queue(current_user, done=done), done=done,
                           waiting=review.waiting_count(current_user), rule_labels=RULE_LABELS,
                           can_keep_deceased=can_keep_deceased_list(current_user))


def _review_page(review_id: int, errors: dict | None = None, note: str = "", status: int = 200):
    item = review.get_review(current_user, review_id)
    return render_template("subsidies/review_show.html", review=item, errors=errors or {}, note=note,
                           rule_labels=RULE_LABELS, message=anomaly_message), status


@bp.get("/<int:review_id>")
def review_show(review_id: int):
    return _review_page(review_id)


@bp.post("/<int:review_id>")
def review_check(review_id: int):
    note = request.form.get("note", "")
    try:
        with write_transaction():
            review.mark_checked(current_user, review.get_review(current_user, review_id), note)
    except registers.RegisterError as exc:
        return _review_page(review_id, exc.errors, note[:2000], 400)
    flash(_("The list is marked as checked."), "success")
    return redirect(url_for(".queue_list"), code=303)


def _deceased_page(errors: dict | None = None, typed: dict | None = None, status: int = 200):
    return render_template("subsidies/deceased_list.html", people=registers.deceased_of(current_user.township_id),
                           errors=errors or {}, typed=typed or {}), status


@bp.route("/deceased", methods=["GET", "POST"])
def deceased_list():
    require(can_keep_deceased_list(current_user))
    if request.method == "GET":
        return _deceased_page()
    upload = request.files.get("upload")
    try:
        with write_transaction():
            if upload is not None and upload.filename:
                data = upload.stream.read(registers.MAX_UPLOAD_BYTES + 1)
                added, known = registers.import_deceased(current_user, data)
                message = _("%(added)d persons added, %(known)d already on the list.", added=added, known=known)
            else:
                registers.add_deceased(current_user, request.form.get("name"), request.form.get("id_number"),
                                       request.form.get("died_on"))
                message = _("The person was added to the list.")
    except registers.RegisterError as exc:
        typed = {k: (request.form.get(k) or "")[:40] for k in ("name", "id_number", "died_on")}
        return _deceased_page(exc.errors, typed, 400)
    flash(message, "success")
    return redirect(url_for(".deceased_list"), code=303)


@bp.post("/deceased/remove")
def deceased_remove():
    require(can_keep_deceased_list(current_user))
    person_id = registers.row_id(request.form.get("person"))
    with write_transaction():
        removed = person_id is not None and registers.remove_deceased(current_user, person_id)
    flash(_("The person was removed from the list.") if removed else _("That entry no longer exists."),
          "success" if removed else "error")
    return redirect(url_for(".deceased_list"), code=303)
