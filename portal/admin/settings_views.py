"""Admin pages for complaint routing, deadlines, the holiday corrections and sign-in security."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin import places_service as places
from portal.admin import routing_service as routing
from portal.admin import settings_service as settings
from portal.admin.blueprint import bp
from portal.admin.forms import ConfirmForm, DeadlinesForm, EmblemForm, HolidayForm, SecurityForm, routing_form
from portal.complaints.models import CATEGORIES, HolidayOverride
from portal.core.db import write_transaction
from portal.core.errors import PortalError
from portal.core.forms import show_errors
from portal.extensions import db
from portal.places import emblem as county_emblem
from portal.places.service import list_townships

ALL_TOWNSHIPS = "all"


def _actor():
    return current_user._get_current_object()


@bp.get("/routing")
def routing_list():
    """List townships with how many categories go to the county."""
    return render_template("admin/routing_list.html", townships=list_townships(), counts=routing.county_counts(),
                           category_count=len(CATEGORIES))


def _routing_scope(scope: str):
    if scope == ALL_TOWNSHIPS:
        return None
    township = places.get_township(scope)
    if township is None:
        abort(404)
    return township


@bp.route("/routing/<scope>", methods=["GET", "POST"])
def routing_edit(scope: str):
    """Choose the handling level per category for one township or all."""
    township = _routing_scope(scope)
    default_label = _("Township handles it (default)") if township is None else _("As for every township")
    form = routing_form(routing.rules_for(township), default_label)
    if form.validate_on_submit():
        wanted = {category: form[f"rule_{category}"].data or "" for category in CATEGORIES}
        try:
            with write_transaction():
                changed = routing.set_rules(_routing_scope(scope), wanted, actor=_actor())
        except PortalError as exc:
            show_errors(form, exc)
        else:
            flash(_("Routing saved.") if changed else _("Nothing was changed."))
            return redirect(url_for("admin.routing_list"))
    general = routing.rules_for(None) if township is not None else None
    return render_template("admin/routing_edit.html", form=form, township=township, general=general,
                           categories=CATEGORIES)


@bp.route("/deadlines", methods=["GET", "POST"])
def deadlines_edit():
    """Change the complaint deadline rules."""
    current = settings.current_deadlines()
    form = DeadlinesForm(data={key: getattr(current, key) for key in settings.DEADLINE_FIELDS})
    if form.validate_on_submit():
        try:
            with write_transaction():
                settings.save_deadlines(form.data_for_service(), actor=_actor())
        except PortalError as exc:
            show_errors(form, exc)
        else:
            flash(_("Deadlines saved. They apply to deadlines computed from now on."))
            return redirect(url_for("admin.deadlines_edit"))
    return render_template("admin/deadlines_edit.html", form=form)


@bp.route("/holidays", methods=["GET", "POST"])
def holiday_list():
    """List the holiday corrections and add one."""
    form = HolidayForm()
    if form.validate_on_submit():
        try:
            with write_transaction():
                settings.add_holiday(form.day.data, form.kind.data, form.note.data, actor=_actor())
        except PortalError as exc:
            show_errors(form, exc)
        else:
            flash(_("Correction added."))
            return redirect(url_for("admin.holiday_list"))
    return render_template("admin/holiday_list.html", form=form, holidays=settings.list_holidays(),
                           remove_form=ConfirmForm(formdata=None))


@bp.post("/holidays/<int:override_id>/remove")
def holiday_remove(override_id: int):
    """Remove a holiday correction."""
    if db.session.get(HolidayOverride, override_id) is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        with write_transaction():
            settings.remove_holiday(db.session.get(HolidayOverride, override_id), actor=_actor())
        flash(_("Correction removed."))
    return redirect(url_for("admin.holiday_list"))


@bp.route("/security", methods=["GET", "POST"])
def security_edit():
    """Require (or not) two-step verification of complaint handlers."""
    form = SecurityForm(data={"require_2fa": settings.two_factor_enforced()})
    if form.validate_on_submit():
        with write_transaction():
            settings.set_two_factor_enforced(form.require_2fa.data, actor=_actor())
        flash(_("Security settings saved."))
        return redirect(url_for("admin.security_edit"))
    return render_template("admin/security_edit.html", form=form)


@bp.route("/emblem", methods=["GET", "POST"])
def emblem_edit():
    """Upload, replace or remove the county's emblem on the home page."""
    form = EmblemForm()
    if form.validate_on_submit():
        old = county_emblem.current()
        try:
            with write_transaction():
                county_emblem.replace(form.emblem.data, actor=_actor())
        except PortalError as exc:
            show_errors(form, exc)
        else:
            county_emblem.forget(old)
            flash(_("The new emblem is shown on the home page."))
            return redirect(url_for("admin.emblem_edit"))
    return render_template("admin/emblem_edit.html", form=form, emblem=county_emblem.current(),
                           remove_form=ConfirmForm()), (400 if form.errors else 200)


@bp.post("/emblem/remove")
def emblem_remove():
    if ConfirmForm().validate_on_submit():
        with write_transaction():
            old = county_emblem.remove(actor=_actor())
        county_emblem.forget(old)
        flash(_("The home page shows no emblem now."))
    return redirect(url_for("admin.emblem_edit"))
