"""Admin pages for the county's standard power list (templates)."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin.blueprint import bp
from portal.admin.forms import TemplateEditForm, TemplateNewForm
from portal.core.db import write_transaction
from portal.core.errors import PortalError
from portal.core.forms import show_errors
from portal.extensions import db
from portal.powers import templates
from portal.powers.models import PowerTemplate

FIELDS = ("title", "category", "top_class", "responsible_body", "total_time_limit", "legal_basis", "steps")


def _template_or_404(template_id: int) -> PowerTemplate:
    template = db.session.get(PowerTemplate, template_id)
    if template is None:
        abort(404)
    return template


def _values(form) -> dict:
    return {name: getattr(form, name).data for name in FIELDS}


@bp.get("/templates")
def template_list():
    """List the county's standard power items."""
    return render_template("admin/template_list.html", templates=templates.list_templates())


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
            return redirect(url_for("admin.template_list"))
    return render_template("admin/template_form.html", form=form, template=None)


@bp.route("/templates/<int:template_id>", methods=["GET", "POST"])
def template_edit(template_id: int):
    """Edit an item of the standard list in the text format."""
    template = _template_or_404(template_id)
    form = TemplateEditForm(data={
        "title": template.title, "category": template.category, "top_class": template.top_class,
        "responsible_body": template.responsible_body, "total_time_limit": template.total_time_limit,
        "legal_basis": "\n".join(template.legal_basis or []), "steps": templates.format_steps(template.steps),
    })
    if form.validate_on_submit():
        try:
            with write_transaction():
                changed = templates.update_template(_template_or_404(template_id), _values(form),
                                                    actor=current_user._get_current_object())
        except PortalError as exc:
            show_errors(form, exc)
        else:
            flash(_("Changes saved.") if changed else _("Nothing was changed."))
            return redirect(url_for("admin.template_edit", template_id=template_id))
    return render_template("admin/template_form.html", form=form, template=template)
