"""Cadre pages for the village's power list."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.db import write_transaction
from portal.core.errors import PortalError
from portal.core.forms import show_errors
from portal.core.permissions import can_use_publishing, guard_area
from portal.extensions import db
from portal.places.scope import load_owned, own_village
from portal.powers import editing as power_list
from portal.powers import editor as power_editor
from portal.powers import updates as power_updates
from portal.powers.forms import ContactsForm, DeclineForm, ItemForm, RetireForm
from portal.powers.models import PowerItem, PowerTemplate, PowerUpdate

bp = Blueprint("powers_manage", __name__, url_prefix="/publish")
# Only village cadres get past this line; each object is then checked against their own village.
bp.before_request(guard_area(can_use_publishing))


def _item(item_id: int) -> PowerItem:
    item = load_owned(PowerItem, item_id)
    if item.retired_at is not None:
        abort(404)
    return item


def _template(village, template_id: int) -> PowerTemplate:
    template = db.session.get(PowerTemplate, template_id)
    if template is None or template.retired or template.county_id != village.township.county_id:
        abort(404)
    return template


def _status(form) -> int:
    """Answer 400 when the form comes back with errors, so clients and tests can tell."""
    return 400 if form.errors or form.form_errors else 200


def _item_data(item: PowerItem) -> dict:
    data = {name: getattr(item, name) or "" for name in power_list.EDIT_FIELDS}
    data.update(code=item.code, steps=power_list.format_steps(item.steps),
                risks=power_list.format_risks(item.risks), legal_basis="\n".join(item.legal_basis or []))
    return data


@bp.get("/powers")
def powers_list():
    village = own_village()
    return render_template("powers/powers_list.html", village=village, items=power_list.current_items(village),
                           templates=power_list.adoptable_templates(village))


@bp.route("/powers/adopt/<int:template_id>", methods=["GET", "POST"])
def power_adopt(template_id: int):
    village = own_village()
    template = _template(village, template_id)
    if template not in power_list.adoptable_templates(village):
        flash(_("This item is already on your list."), "error")
        return redirect(url_for(".powers_list"))
    form = ContactsForm(data=power_list.default_contacts(village))
    if form.validate_on_submit():
        with write_transaction():
            power_list.adopt(own_village(), current_user, [_template(village, template_id)], form.data)
        flash(_("The item was added to your list."), "success")
        return redirect(url_for(".powers_list"))
    return render_template("powers/power_adopt.html", village=village, form=form, templates=[template],
                           action=url_for(".power_adopt", template_id=template.id)), _status(form)


@bp.route("/powers/adopt-all", methods=["GET", "POST"])
def powers_adopt_all():
    village = own_village()
    templates = power_list.adoptable_templates(village)
    if not templates:
        flash(_("Every county item is already on your list."), "success")
        return redirect(url_for(".powers_list"))
    form = ContactsForm(data=power_list.default_contacts(village))
    if form.validate_on_submit():
        with write_transaction():
            village = own_village()
            added = power_list.adopt(village, current_user, power_list.adoptable_templates(village), form.data)
        flash(_("%(n)d items were added to your list.", n=len(added)), "success")
        return redirect(url_for(".powers_list"))
    return render_template("powers/power_adopt.html", village=village, form=form, templates=templates,
                           action=url_for(".powers_adopt_all")), _status(form)


@bp.route("/powers/<int:item_id>/edit", methods=["GET", "POST"])
def power_edit(item_id: int):
    village = own_village()
    item = _item(item_id)
    if request.method == "GET":
        rows, other_risks = power_editor.rows_for(item)
        return power_editor.edit_page(village, item, ItemForm(data={**_item_data(item), "risks": other_risks}), rows)
    form = ItemForm()
    outcome = power_editor.handle(village, item, form)
    if outcome.page:
        return outcome.page
    try:
        with write_transaction():
            power_list.update(_item(item_id), current_user, outcome.values)
    except PortalError as exc:
        return power_editor.fail(village, item, form, outcome.rows, exc)
    flash(_("Your changes are published."), "success")
    return redirect(url_for(".powers_list", _anchor=f"item-{item_id}"))


@bp.route("/powers/new", methods=["GET", "POST"])
def power_new():
    village = own_village()
    if request.method == "GET":
        form = ItemForm(data={**power_list.default_contacts(village), "category": "service"})
        return power_editor.edit_page(village, None, form, power_editor.rows_for(None)[0])
    form = ItemForm()
    outcome = power_editor.handle(village, None, form)
    if outcome.page:
        return outcome.page
    try:
        with write_transaction():
            power_list.add(own_village(), current_user, outcome.values)
    except PortalError as exc:
        return power_editor.fail(village, None, form, outcome.rows, exc)
    flash(_("The item was added to your list."), "success")
    return redirect(url_for(".powers_list"))


@bp.post("/powers/<int:item_id>/move")
def power_move(item_id: int):
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    with write_transaction():
        power_list.move(_item(item_id), current_user, direction)
    return redirect(url_for(".powers_list", _anchor=f"item-{item_id}"))


@bp.route("/powers/<int:item_id>/retire", methods=["GET", "POST"])
def power_retire(item_id: int):
    village = own_village()
    item = _item(item_id)
    form = RetireForm()
    if form.validate_on_submit():
        try:
            with write_transaction():
                power_list.retire(_item(item_id), current_user, form.reason.data)
        except PortalError as exc:
            show_errors(form, exc)
        else:
            flash(_("The item was taken off your public list; its page and history stay public."), "success")
            return redirect(url_for(".powers_list"))
    return render_template("powers/power_retire.html", village=village, item=item, form=form), _status(form)


def _update(update_id: int) -> PowerUpdate:
    update = load_owned(PowerUpdate, update_id)
    if update.status != "pending" or update.item.retired_at is not None:
        flash(_("This update has already been answered or replaced by a newer one."), "error")
        abort(redirect(url_for("home_manage.dashboard_show")))
    return update


def _update_page(village, update, form, status=200):
    return render_template("powers/update_show.html", village=village, update=update, form=form,
                           diff=power_updates.diff_of(update), reason=power_updates.ACCEPT_REASON), status


@bp.get("/powers/updates/<int:update_id>")
def update_show(update_id: int):
    """A county change offered for one of the village's items: what it would change, accept or decline."""
    village = own_village()
    return _update_page(village, _update(update_id), DeclineForm())


def _answer(update_id: int, answer, done: str):
    """Accept or decline an update; a refusal shows the update's page again with the message."""
    village = own_village()
    update = _update(update_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _update_page(village, update, form, 400)
    title = update.item.title
    try:
        with write_transaction():
            answer(form)
    except PortalError as exc:
        show_errors(form, exc)
        return _update_page(village, _update(update_id), form, 400)
    flash(done % {"title": title}, "success")
    return redirect(url_for("home_manage.dashboard_show", _anchor="updates"))


@bp.post("/powers/updates/<int:update_id>/accept")
def update_accept(update_id: int):
    """Apply the county's change to the item and publish it, with its reason, in the village's record."""
    return _answer(update_id, lambda form: power_updates.accept(update_id, current_user),
                   _("The county's update is published in your item “%(title)s”."))


@bp.post("/powers/updates/<int:update_id>/decline")
def update_decline(update_id: int):
    """Keep the item as it is; the answer and its reason go to the county."""
    return _answer(update_id, lambda form: power_updates.decline(update_id, current_user, form.reason.data),
                   _("You kept “%(title)s” as it is; the county sees your answer."))
