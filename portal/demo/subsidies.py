"""Seed the demo county's 一卡通 data through the real services: standards, declarations, a flagged list."""
from datetime import timedelta

from sqlalchemy import select

from portal.demo import content_data, subsidies_data
from portal.disclosures import drafting, payments
from portal.disclosures.models import Disclosure
from portal.disclosures.tables import ParsedTable
from portal.extensions import db
from portal.subsidies import registers
from portal.subsidies import service as subsidies


def seed_subsidies(villages: dict, users: list, today, disclosure_content) -> None:
    """Record the published subsidy list D3's lines, then publish this year's list with its planted anomalies."""
    by_role = {(u.role, u.village_id or u.township_id): u for u in users}
    village = villages[subsidies_data.VILLAGE]
    cadre = by_role[("village_cadre", village.id)]
    admin = next(u for u in users if u.role == "county_admin")
    handler = by_role[("township_handler", village.township_id)]
    _record_d3(villages)
    registers.set_standard(admin, **subsidies_data.STANDARD)
    registers.declare_relative(cadre, **subsidies_data.RELATIVE)
    registers.add_deceased(handler, died_text=(today.replace(day=1) - timedelta(days=90)).isoformat(),
                           name_text=subsidies_data.DECEASED["name"], id_text=subsidies_data.DECEASED["id_number"])
    end = today.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    label = f"{start.year}年{start.month}月"
    title = f"{village.name}{label}惠农补贴一卡通发放名单"
    spec = {"kind": "table", "columns": subsidies_data.COLUMNS, "rows": subsidies_data.rows(start.replace(day=15)
                                                                                            .isoformat())}
    meta = {"domain": "finance", "topic": "subsidy", "title": title, "period_label": label,
            "period_start": start.isoformat(), "period_end": end.isoformat()}
    content = disclosure_content(spec)
    content[payments.KEYS_SLOT] = payments.row_keys(ParsedTable(spec["columns"], spec["rows"], "utf-8"))
    disclosure = Disclosure(village=village, domain="finance", kind="table", topic="subsidy", title=title,
                            period_label=label, period_start=start, period_end=end, status="draft",
                            created_by_id=cadre.id, draft_content={**content, "_meta": meta, "_warnings": []})
    db.session.add(disclosure)
    db.session.flush()
    _plist, anomalies = payments.screen_draft(disclosure, disclosure.draft_content)
    drafting.publish_draft(disclosure, cadre, {a.key: subsidies_data.EXPLANATIONS[a.rule] for a in anomalies})
    db.session.flush()


def _record_d3(villages: dict) -> None:
    """D3 was published before payment lines existed: keep its lines (and hashes) as an import would have."""
    for spec in content_data.DISCLOSURES:
        if spec.get("topic") != "subsidy" or spec["kind"] != "table":
            continue
        disclosure = db.session.scalar(select(Disclosure).where(Disclosure.village_id == villages[spec["village"]].id,
                                                                Disclosure.title == spec["title"]))
        start, end = spec["period"]
        meta = {"title": spec["title"], "period_label": spec["period_label"],
                "period_start": start.isoformat() if start else "", "period_end": end.isoformat() if end else ""}
        hashes = payments.row_keys(ParsedTable(spec["columns"], spec["rows"], "utf-8"))
        plist = payments.payment_list(disclosure, disclosure.current_revision.content, meta, hashes)
        subsidies.record_publication(plist, disclosure.id, disclosure.current_revision, [], None, None)
