"""Admin pages for townships and villages (no deleting: the public record refers to them)."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from portal.admin import places_service as places
from portal.admin.blueprint import bp
from portal.admin.forms import TownshipEditForm, TownshipNewForm, VillageEditForm, VillageNewForm
from portal.core.db import write_transaction
from portal.core.errors import PortalError
from portal.core.forms import show_errors
from portal.extensions import db
from portal.places.models import Village
from portal.places.service import list_townships

TOWNSHIP_FIELDS = ("name", "hotline", "discipline_secretary", "liaison_cadre")


def _township_or_404(code: str):
    township = places.get_township(code)
    if township is None:
        abort(404)
    return township


def _village_or_404(code: str):
    village = places.get_village(code)
    if village is None:
        abort(404)
    return village


def _values(form, names) -> dict:
    return {name: getattr(form, name).data for name in names}


@bp.get("/places")
def place_list():
    """List townships with their number of villages."""
    counts = dict(db.session.execute(
        select(Village.township_id, func.count(Village.id)).group_by(Village.township_id)).all())
    return render_template("admin/place_list.html", townships=list_townships(), counts=counts)


@bp.route("/townships/new", methods=["GET", "POST"])
def township_new():
    """Add a township."""
    form = TownshipNewForm()
    if form.validate_on_submit():
        try:
            with write_transaction():
                township = places.create_township(form.code.data, actor=current_user._get_current_object(),
                                                  **_values(form, TOWNSHIP_FIELDS))
        except PortalError as exc:
            show_errors(form, exc)
        else:
            flash(_("Township %(name)s added.", name=township.name))
            return redirect(url_for("admin.township_edit", code=township.code))
    return render_template("admin/township_form.html", form=form, township=None)


@bp.route("/townships/<code>", methods=["GET", "POST"])
def township_edit(code: str):
    """Rename a township or change its hotline and people; list its villages."""
    township = _township_or_404(code)
    form = TownshipEditForm(obj=township)
    if form.validate_on_submit():
        try:
            with write_transaction():
                places.update_township(_township_or_404(code), actor=current_user._get_current_object(),
                                       **_values(form, TOWNSHIP_FIELDS))
        except PortalError as exc:
            show_errors(form, exc)
        else:
            flash(_("Changes saved."))
            return redirect(url_for("admin.township_edit", code=code))
    return render_template("admin/township_form.html", form=form, township=township)


@bp.route("/townships/<code>/villages/new", methods=["GET", "POST"])
def village_new(code: str):
    """Add a village to a township."""
    township = _township_or_404(code)
    form = VillageNewForm()
    if not form.is_submitted():
        form.code.data = township.code
    if form.validate_on_submit():
        try:
            with write_transaction():
                village = places.create_village(_township_or_404(code), form.code.data, form.name.data,
                                                supervision_phone=form.supervision_phone.data,
                                                actor=current_user._get_current_object())
        except PortalError as exc:
            show_errors(form, exc)
        else:
            flash(_("Village %(name)s added.", name=village.name))
            return redirect(url_for("admin.township_edit", code=code))
    return render_template("admin/village_form.html", form=form, township=township, village=None)


@bp.route("/villages/<code>", methods=["GET", "POST"])
def village_edit(code: str):
    """Rename a village or change its supervision phone."""
    village = _village_or_404(code)
    form = VillageEditForm(obj=village)
    if form.validate_on_submit():
        try:
            with write_transaction():
                places.update_village(_village_or_404(code), form.name.data,
                                      supervision_phone=form.supervision_phone.data,
                                      actor=current_user._get_current_object())
        except PortalError as exc:
            show_errors(form, exc)
        else:
            flash(_("Changes saved."))
            return redirect(url_for("admin.village_edit", code=code))
    return render_template("admin/village_form.html", form=form, township=village.township, village=village)
