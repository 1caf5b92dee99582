"""A county template change is offered to each village that adopted the item; its cadre accepts or declines
it, and the county sees which villages adopted, changed, declined or retired which items."""
import codecs
import csv
import io
import re

import pytest
from demo_ids import FAR_VILLAGE, OTHER_VILLAGE, TOWNSHIP, VILLAGE
from sqlalchemy import func, select

from portal.core.audit import AuditEntry
from portal.extensions import db
from portal.places.models import Village
from portal.powers import editing, templates
from portal.powers.models import PowerItem, PowerTemplate, PowerUpdate
from portal.records.integrity import verify_village_all

NEW_STEP = "村务监督委员会 | 全程监督并签署意见! | 1日 | 监督意见"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _template(code: str) -> PowerTemplate:
    db.session.expire_all()
    return db.session.scalar(select(PowerTemplate).where(PowerTemplate.code == code))


def _village(code: str) -> Village:
    return db.session.scalar(select(Village).where(Village.code == code))


def _item(code: str, village_code: str = VILLAGE) -> PowerItem:
    db.session.expire_all()
    return db.session.scalar(select(PowerItem).where(PowerItem.code == code, PowerItem.retired_at.is_(None),
                                                     PowerItem.village_id == _village(village_code).id))


def _pending(code: str, village_code: str = VILLAGE) -> PowerUpdate | None:
    db.session.expire_all()
    return db.session.scalar(select(PowerUpdate).join(PowerTemplate).where(
        PowerTemplate.code == code, PowerUpdate.village_id == _village(village_code).id,
        PowerUpdate.status == "pending"))


def _form_of(template: PowerTemplate, **changes) -> dict:
    data = {"title": template.title, "category": template.category, "top_class": template.top_class,
            "responsible_body": template.responsible_body, "total_time_limit": template.total_time_limit or "",
            "legal_basis": "\n".join(template.legal_basis), "steps": templates.format_steps(template.steps),
            "risks": templates.format_risks(template.risks)}
    return {**data, **changes}


def _county_changes(client, forms, login_as, code: str, **changes):
    """Sign in as the county admin and save a change of the standard item through its form."""
    login_as("county_admin")
    template = _template(code)
    response = forms.post(f"/admin/templates/{template.id}", _form_of(template, **changes))
    assert response.status_code == 302, _text(response)[:2000]
    return _text(client.get(response.headers["Location"]))


def _adoption_counts(client, code: str, township: str | None = None) -> dict[str, int]:
    query = f"?township={township}" if township else ""
    html = _text(client.get(f"/admin/templates/adoption{query}"))
    row = next(r for r in html.split("<tr>") if f"{code} " in r)
    return {state: int(n) for state, n in re.findall(r'data-state="(\w+)">(\d+)<', row)}


def test_the_demo_county_has_an_update_waiting_and_one_village_declined_it(ctx, client, login_as, english):
    login_as("cadre_shangtang")
    dashboard = _text(client.get("/publish/"))
    assert "Updates from the county" in dashboard and "QX-E-01" in dashboard
    login_as("county_admin")
    counts = _adoption_counts(client, "QX-E-01")
    assert counts["pending"] == 8 and counts["declined"] == 1 and counts["as_is"] == 0
    assert _adoption_counts(client, "QX-A-01")["as_is"] == 9
    detail = _text(client.get(f"/admin/templates/{_template('QX-E-01').id}/adoption?state=declined"))
    assert "溪口村" in detail and "待村民代表会议讨论后再采纳" in detail and "上塘村" not in detail


def test_a_template_change_is_offered_and_accepting_publishes_it_in_the_village_record(ctx,
        client, forms, login_as, english):
    item = _item("QX-A-01")
    revisions_before = item.revision_count
    steps = templates.format_steps(_template("QX-A-01").steps) + "\n" + NEW_STEP
    flashed = _county_changes(client, forms, login_as, "QX-A-01", steps=steps)
    assert "9 villages that adopted this item were offered the update" in flashed
    assert _item("QX-A-01").steps == item.steps  # nothing changes until the village accepts
    assert _adoption_counts(client, "QX-A-01")["pending"] == 9

    login_as("cadre_shangtang")
    update = _pending("QX-A-01")
    assert set(update.changes) == {"steps"}
    dashboard = _text(client.get("/publish/"))
    assert f"/publish/powers/updates/{update.id}" in dashboard
    page = _text(client.get(f"/publish/powers/updates/{update.id}"))
    assert "<ins>" in page and "全程监督并签署意见" in page and "采纳县级模板更新" in page
    response = forms.post(f"/publish/powers/updates/{update.id}/accept", {},
                          form_url=f"/publish/powers/updates/{update.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/publish/#updates")

    accepted = _item("QX-A-01")
    assert accepted.steps[-1]["action"] == "全程监督并签署意见" and accepted.steps[-1]["is_risk_point"]
    assert accepted.responsible_person == item.responsible_person  # the village's people stay
    assert accepted.revision_count == revisions_before + 1
    revision = accepted.current_revision
    assert revision.reason.startswith("采纳县级模板更新") and "QX-A-01" in revision.reason
    assert db.session.get(PowerUpdate, update.id).status == "accepted"
    assert db.session.get(PowerUpdate, update.id).revision_id == revision.id
    assert verify_village_all(_village(VILLAGE)) == []
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "power_update_accept", AuditEntry.object_id == str(item.id))) == 1
    public = _text(client.get(f"/villages/{VILLAGE}/powers/{item.id}"))
    assert "全程监督并签署意见" in public
    assert f"/publish/powers/updates/{update.id}" not in _text(client.get("/publish/"))
    # Answered once: a second answer changes nothing.
    again = forms.post(f"/publish/powers/updates/{update.id}/decline", {"reason": "晚了"},
                       form_url="/publish/powers")
    assert again.status_code == 302 and db.session.get(PowerUpdate, update.id).status == "accepted"

    login_as("county_admin")
    counts = _adoption_counts(client, "QX-A-01")
    assert counts["as_is"] == 1 and counts["pending"] == 8


def test_declining_keeps_the_item_and_the_county_reads_the_reason(ctx, client, forms, login_as, english):
    before = _item("QX-D-01").legal_basis
    basis = "\n".join([*_template("QX-D-01").legal_basis, "县《村级财务管理办法（2026年修订）》"])
    _county_changes(client, forms, login_as, "QX-D-01", legal_basis=basis)
    login_as("cadre_shangtang")
    update = _pending("QX-D-01")
    url = f"/publish/powers/updates/{update.id}"
    too_long = forms.post(f"{url}/decline", {"reason": "长" * 1001}, form_url=url)
    assert too_long.status_code == 400 and 'href="#reason"' in _text(too_long)
    assert _pending("QX-D-01") is not None
    response = forms.post(f"{url}/decline", {"reason": "本村财务制度正在修订，修订后统一采纳。"}, form_url=url)
    assert response.status_code == 302
    declined = db.session.get(PowerUpdate, update.id)
    assert declined.status == "declined" and declined.reason == "本村财务制度正在修订，修订后统一采纳。"
    assert _item("QX-D-01").legal_basis == before

    login_as("county_admin")
    assert _adoption_counts(client, "QX-D-01")["declined"] == 1
    assert _adoption_counts(client, "QX-D-01", TOWNSHIP)["declined"] == 1
    assert _adoption_counts(client, "QX-D-01", "339901201")["declined"] == 0
    detail = _text(client.get(f"/admin/templates/{update.template_id}/adoption?state=declined"))
    assert "上塘村" in detail and "本村财务制度正在修订" in detail


def test_the_county_csv_lists_each_village_with_a_bom(client, login_as):
    login_as("county_admin")
    client.set_cookie("lang", "zh_Hans_CN")
    response = client.get(f"/admin/templates/adoption.csv?township={TOWNSHIP}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "事项编号"
    declined = [r for r in rows if r[0] == "QX-E-01" and r[5] == "溪口村"]
    assert declined and declined[0][6] == "已拒绝最新更新" and "村民代表会议" in declined[0][8]
    villages_in_township = {r[5] for r in rows[1:]}
    assert "上塘村" in villages_in_township and "东山村" not in villages_in_township
    assert client.get("/admin/templates/adoption?township=999999999").status_code == 404


def test_village_changes_to_other_fields_survive_accepting(ctx, client, forms, login_as, english):
    login_as("cadre_shangtang")
    item = _item("QX-G-01")
    own_basis = [*item.legal_basis, "本村印章管理制度"]
    from portal.accounts.models import User
    from portal.core.db import write_transaction

    cadre = db.session.scalar(select(User).where(User.username == "cadre_shangtang"))
    with write_transaction():
        editing.apply_fields(db.session.get(PowerItem, item.id), cadre, {"legal_basis": own_basis}, "补充本村制度")
    _county_changes(client, forms, login_as, "QX-G-01", total_time_limit="即时办结")
    login_as("cadre_shangtang")
    update = _pending("QX-G-01")
    assert set(update.changes) == {"total_time_limit"}
    forms.post(f"/publish/powers/updates/{update.id}/accept", {}, form_url=f"/publish/powers/updates/{update.id}")
    accepted = _item("QX-G-01")
    assert accepted.total_time_limit == "即时办结" and accepted.legal_basis == own_basis
    login_as("county_admin")
    assert _adoption_counts(client, "QX-G-01")["changed"] == 1


def test_a_newer_change_replaces_the_unanswered_offer_and_retired_items_get_none(ctx, client, forms, login_as, english):
    item = _item("QX-H-01", OTHER_VILLAGE)
    from portal.accounts.models import User
    from portal.core.db import write_transaction

    cadre = db.session.scalar(select(User).where(User.username == "cadre_xikou"))
    with write_transaction():
        editing.retire(db.session.get(PowerItem, item.id), cadre, "本村无宅基地审批事项")
    _county_changes(client, forms, login_as, "QX-H-01", total_time_limit="20个工作日")
    first = _pending("QX-H-01", FAR_VILLAGE)
    _county_changes(client, forms, login_as, "QX-H-01", responsible_body="村委会、乡镇农业农村办")
    db.session.expire_all()
    assert db.session.get(PowerUpdate, first.id).status == "superseded"
    latest = _pending("QX-H-01", FAR_VILLAGE)
    assert set(latest.changes) == {"total_time_limit", "responsible_body"}
    assert latest.version == _template("QX-H-01").version
    assert _pending("QX-H-01", OTHER_VILLAGE) is None
    counts = _adoption_counts(client, "QX-H-01")
    assert counts["retired"] == 1 and counts["pending"] == 8


def test_only_the_villages_own_cadre_answers_its_updates(ctx, client, forms, login_as, english):
    update = _pending("QX-E-01")
    login_as("cadre_xikou")
    assert client.get(f"/publish/powers/updates/{update.id}").status_code == 403
    assert forms.post(f"/publish/powers/updates/{update.id}/accept", {}, form_url="/publish/powers").status_code == 403
    assert _pending("QX-E-01") is not None
    login_as("handler_baishi")
    assert client.get(f"/publish/powers/updates/{update.id}").status_code == 403
    assert client.get("/publish/powers/updates/999999").status_code in (403, 404)


@pytest.mark.parametrize("lang,expected", [("en", "Update from the county"), ("zh_Hans_CN", "县级标准清单的更新")])
def test_the_update_page_speaks_both_languages(ctx, client, login_as, lang, expected):
    login_as("cadre_shangtang")
    client.set_cookie("lang", lang)
    update = _pending("QX-E-01")
    page = _text(client.get(f"/publish/powers/updates/{update.id}"))
    assert expected in page and "《中华人民共和国农村集体经济组织法》" in page


def test_the_county_edits_risk_points_and_the_village_is_offered_them(ctx, client, forms, login_as, english):
    template = _template("QX-B-03")
    risks = templates.format_risks(template.risks) + "\n0 | high | 化整为零规避招标 | 同一项目年度累计计算，超限额进平台"
    _county_changes(client, forms, login_as, "QX-B-03", risks=risks)
    changed = _template("QX-B-03")
    assert changed.risks[-1] == {"step_seq": 0, "level": "high", "risk": "化整为零规避招标",
                                 "control": "同一项目年度累计计算，超限额进平台"}
    assert set(_pending("QX-B-03").changes) == {"risks"}
    bad = forms.post(f"/admin/templates/{changed.id}", _form_of(changed, risks="9 | high | 风险 | 控制"))
    assert bad.status_code == 200 and 'href="#risks"' in _text(bad)
    assert _template("QX-B-03").version == changed.version  # refused: nothing changed
