"""Complaint routing rules: township × category → township or county."""
from demo_ids import OTHER_TOWNSHIP, TOWNSHIP

from admin.conftest import audit_actions, field_error, text
from portal.complaints.models import CATEGORIES, RoutingRule
from portal.complaints.routing import route
from portal.extensions import db
from portal.places.models import Township


def _rules() -> dict:
    db.session.expire_all()
    return {(r.township_id, r.category): r.level for r in db.session.query(RoutingRule)}


def _township_id(code: str) -> int:
    return db.session.query(Township).filter_by(code=code).one().id


def _form(**levels) -> dict:
    return {f"rule_{category}": levels.get(category, "") for category in CATEGORIES}


def test_overview_lists_every_township_and_the_county_wide_rule(admin, client):
    html = text(client.get("/admin/routing"))
    assert "/admin/routing/all" in html and f"/admin/routing/{TOWNSHIP}" in html and "东山乡" in html


def test_edit_page_names_every_category_in_chinese(admin, client):
    html = text(client.get(f"/admin/routing/{TOWNSHIP}"))
    assert "惠民惠农资金问题" in html and html.count("<select") == len(CATEGORIES)


def test_a_township_rule_sends_that_category_to_the_county(ctx, admin, forms):
    response = forms.post(f"/admin/routing/{TOWNSHIP}", _form(project_tender="county"))
    assert response.status_code == 302
    tid = _township_id(TOWNSHIP)
    assert _rules() == {(tid, "project_tender"): "county"}
    assert route(tid, "project_tender", False) == ("county", "routing_rule")
    assert route(_township_id(OTHER_TOWNSHIP), "project_tender", False) == ("township", None)
    assert "routing_update" in audit_actions()


def test_county_wide_rule_and_township_override(ctx, admin, forms):
    forms.post("/admin/routing/all", _form(election="county"))
    forms.post(f"/admin/routing/{TOWNSHIP}", _form(election="township"))
    tid, other = _township_id(TOWNSHIP), _township_id(OTHER_TOWNSHIP)
    assert route(other, "election", False)[0] == "county"
    assert route(tid, "election", False)[0] == "township"


def test_back_to_inherit_removes_the_rule(ctx, admin, forms):
    forms.post(f"/admin/routing/{TOWNSHIP}", _form(integrity="county"))
    forms.post(f"/admin/routing/{TOWNSHIP}", _form())
    assert _rules() == {}


def test_bad_level_changes_nothing(ctx, admin, forms):
    forms.post(f"/admin/routing/{TOWNSHIP}", _form(integrity="county"))
    html = text(forms.post(f"/admin/routing/{TOWNSHIP}", _form(integrity="township", election="province")))
    assert field_error(html, "rule_election")
    assert _rules() == {(_township_id(TOWNSHIP), "integrity"): "county"}


def test_unknown_township_is_404(admin, client):
    assert client.get("/admin/routing/339901999").status_code == 404
