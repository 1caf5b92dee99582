"""The county admin's pages for the standard power list: its items, and how the villages took them up.

Served under /admin like the rest of the county's administration, from the powers package that owns
templates; the area guard is the admin area's (sign in first, then the county admin only).
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.core.db import write_transaction
from portal.core.errors import PortalError
from portal.core.exports import csv_response
from portal.core.forms import show_errors
from portal.core.labels import label
from portal.core.permissions import can_manage_places, guard_area
from portal.extensions import db
from portal.places.models import Township
from portal.places.service import the_county
from portal.powers import adoption, templates, updates
from portal.powers.forms import TemplateEditForm, TemplateNewForm
from portal.powers.models import PowerTemplate

bp = Blueprint("powers_county", __name__, url_prefix="/admin")
bp.before_request(guard_area(can_manage_places))

FIELDS = ("title", "category", "top_class", "responsible_body", "total_time_limit", "legal_basis", "steps", "risks")


def _template_or_404(template_id: int) -> PowerTemplate:
    template = db.session.get(PowerTemplate, template_id)
    if template is None:
        abort(404)
    return template


def _values(form) -> dict:
    # A form posted without the risk box (an older page) leaves the item's risks as they are.
    return {name: getattr(form, name).data for name in FIELDS if name != "risks" or "risks" in request.form}


@bp.get("/templates")
def template_list():
    """List the county's standard power items."""
    return render_template("powers/template_list.html", templates=templates.list_templates())


@bp.route("/templates/new", methods=["GET", "POST"])
def template_new():
    """Add an item to the standard list."""
    form = TemplateNewForm()
    if form.validate_on_submit():
        try:
            with write_transaction():
                template = templates.create_template({"code": form.code.data, **_values(form)},
                                                     actor=current_user._get_current_object())
        except PortalError as exc:
            show_errors(form, exc)
        else:
            flash(_("Item %(code)s added to the standard list.", code=template.code))
            return redirect(url_for(".template_list"))
    return render_template("powers/template_form.html", form=form, template=None)


@bp.route("/templates/<int:template_id>", methods=["GET", "POST"])
def template_edit(template_id: int):
    """Edit an item of the standard list; a change is offered to the villages that adopted it."""
    template = _template_or_404(template_id)
    form = TemplateEditForm(data={
        "title": template.title, "category": template.category, "top_class": template.top_class,
        "responsible_body": template.responsible_body, "total_time_limit": template.total_time_limit,
        "legal_basis": "\n".join(template.legal_basis or []), "steps": templates.format_steps(template.steps),
        "risks": templates.format_risks(template.risks),
    })
    if form.validate_on_submit():
        try:
            with write_transaction():
                changed = templates.update_template(_template_or_404(template_id), _values(form),
                                                    actor=current_user._get_current_object())
                offered = updates.offered_count(_template_or_404(template_id)) if changed else 0
        except PortalError as exc:
            show_errors(form, exc)
        else:
            if changed:
                flash(_("Changes saved. %(n)d villages that adopted this item were offered the update.", n=offered))
            else:
                flash(_("Nothing was changed."))
            return redirect(url_for(".template_edit", template_id=template_id))
    return render_template("powers/template_form.html", form=form, template=template)


def _filter() -> tuple[list[Township], Township | None]:
    county = the_county()
    townships = list(db.session.scalars(select(Township).where(Township.county_id == county.id)
                                        .order_by(Township.code)))
    code = request.args.get("township") or ""
    chosen = next((t for t in townships if t.code == code), None)
    if code and chosen is None:
        abort(404)
    return townships, chosen


def _adoption(template_list: list[PowerTemplate], chosen: Township | None):
    villages = adoption.villages_of(the_county().id, chosen.id if chosen else None)
    return adoption.adoption(template_list, villages), len(villages)


@bp.get("/templates/adoption")
def template_adoption():
    """Per standard item, how many villages follow it, changed it, declined its update or retired it."""
    townships, chosen = _filter()
    rows, village_count = _adoption(templates.list_templates(), chosen)
    return render_template("powers/template_adoption.html", rows=rows, townships=townships, chosen=chosen,
                           village_count=village_count, states=adoption.STATES)


@bp.get("/templates/adoption.csv")
def template_adoption_csv():
    """The same, one line per item and village, for a spreadsheet."""
    townships, chosen = _filter()
    rows, _count = _adoption(templates.list_templates(), chosen)
    header = [_("Item code"), _("Title"), _("Current version"), _("Township"), _("Village code"), _("Village"),
              _("State"), _("Version answered"), _("Reason given")]
    name = f"template-adoption-{chosen.code if chosen else 'county'}.csv"
    return csv_response(name, header, adoption.csv_rows(rows, lambda state: label("adoption_state", state)))


@bp.get("/templates/<int:template_id>/adoption")
def template_adoption_show(template_id: int):
    """One standard item: which villages are in which state, with the reasons given for declining."""
    template = _template_or_404(template_id)
    townships, chosen = _filter()
    state = request.args.get("state") or ""
    if state and state not in adoption.STATES:
        abort(404)
    rows, village_count = _adoption([template], chosen)
    return render_template("powers/template_adoption_show.html", row=rows[0], townships=townships, chosen=chosen,
                           village_count=village_count, states=adoption.STATES, state=state)
