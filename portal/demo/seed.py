"""Load the demo county: places, cadres, power list, disclosures, duty reports, accounts."""
from datetime import timedelta

from sqlalchemy import delete, select

from portal.accounts.models import User
from portal.accounts.passwords import hash_password
from portal.complaints.demo import seed_complaints
from portal.core.db import utcnow
from portal.core.errors import PortalError
from portal.core.roles import Role
from portal.core.sanitize import render_markdown
from portal.demo import content_data, places_data, powers_data
from portal.disclosures.decisions import check_decision
from portal.disclosures.models import Disclosure
from portal.disclosures.tables import ParsedTable, prepare_table, to_canonical
from portal.duty.models import DutyReport, EvaluationRound
from portal.duty.results import publish_result
from portal.extensions import db
from portal.places.models import Cadre, County, Township, TownshipOfficial, Village
from portal.places.search import pinyin_of
from portal.places.service import outside_hotlines
from portal.powers import record as power_record
from portal.powers import templates as power_templates
from portal.powers import updates as power_updates
from portal.powers.models import PowerItem, PowerTemplate
from portal.records import service as records


class AlreadySeeded(PortalError):
    """The database already holds a county."""


def reset_all() -> None:
    """Delete every row of every portal table (keeps the schema and its version)."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(delete(table))
    db.session.commit()


def seed_demo(reset: bool = False) -> dict:
    """Load the demo county; refuse when data exists unless reset is set."""
    if db.session.scalar(select(County.id).limit(1)) is not None:
        if not reset:
            raise AlreadySeeded("the database already holds a county; use --reset to replace it")
        reset_all()
    county = County(**places_data.COUNTY)
    db.session.add(county)
    townships = {t["code"]: Township(county=county, **t) for t in places_data.TOWNSHIPS}
    db.session.add_all(townships.values())
    db.session.add_all(TownshipOfficial(township=townships[tcode], name=name, post=post)
                       for tcode, name, post in places_data.OFFICIALS)
    villages = {}
    for tcode, vcode, name, secretary, director, chair, bookkeeper in places_data.VILLAGES:
        full, initials = pinyin_of(name)
        village = Village(code=vcode, name=name, name_pinyin=full, name_initials=initials,
                          township=townships[tcode], supervision_phone=f"0000-12{vcode[-5:]}")
        dual = secretary == director
        village.cadres = [Cadre(name=secretary, role="party_secretary", dual_role=dual, sort_order=1)]
        if not dual:
            village.cadres.append(Cadre(name=director, role="committee_director", sort_order=2))
        village.cadres += [Cadre(name=chair, role="supervision_chair", sort_order=3),
                           Cadre(name=bookkeeper, role="bookkeeper", sort_order=4)]
        villages[vcode] = village
    db.session.add_all(villages.values())
    db.session.flush()
    templates = _seed_templates(county)
    for village in villages.values():
        _adopt_all(village, templates)
    users = _seed_accounts(townships, villages)
    db.session.flush()
    cadre_of = {u.village_id: u for u in users if u.role == Role.VILLAGE_CADRE}
    _seed_disclosures(villages, cadre_of)
    _seed_duty_reports(villages, cadre_of)
    for item in db.session.scalars(select(PowerItem).order_by(PowerItem.village_id, PowerItem.sort_order)):
        # each item enters the village's public record, as a cadre's adoption would
        power_record.publish(item, f"采用县级小微权力清单事项 {item.code}", None)
    from portal.core.timezone import local_today
    from portal.demo.letter_month import seed_letter_month
    from portal.demo.recent import seed_recent
    from portal.demo.subsidies import seed_subsidies

    people = {v[1]: (v[3], v[5], v[6]) for v in places_data.VILLAGES}
    handlers = {u.township.code: u for u in users if u.role == Role.TOWNSHIP_HANDLER}
    seed_recent(villages, cadre_of, people, local_today(), handlers, disclosure_content=disclosure_content,
                duty_content=duty_content)
    seed_letter_month(villages, cadre_of, local_today(), disclosure_content=disclosure_content)
    seed_subsidies(villages, users, local_today(), disclosure_content)
    _offer_demo_update(templates, villages, cadre_of)
    seed_complaints()
    db.session.commit()
    return {"villages": len(villages), "power_items": len(templates) * len(villages), "accounts": len(users)}


def _seed_templates(county: County) -> list[PowerTemplate]:
    templates = []
    for order, spec in enumerate(powers_data.TEMPLATE, start=1):
        fields = dict(spec)
        fields["steps"] = powers_data.parse_steps(fields["steps"])
        fields["risks"] = powers_data.parse_risks(fields["risks"])
        templates.append(PowerTemplate(county=county, sort_order=order, **fields))
    db.session.add_all(templates)
    db.session.flush()
    return templates


def _offer_demo_update(templates: list[PowerTemplate], villages: dict, cadre_of: dict) -> None:
    """The county revised one standard item: every village has the update waiting, one declined it."""
    spec = powers_data.DEMO_UPDATE
    template = next(t for t in templates if t.code == spec["code"])
    steps = power_templates.format_steps(template.steps).replace(*spec["step_change"])
    power_templates.update_template(template, {
        "title": template.title, "category": template.category, "top_class": template.top_class,
        "responsible_body": template.responsible_body, "total_time_limit": template.total_time_limit,
        "legal_basis": "\n".join([*template.legal_basis, spec["basis_added"]]), "steps": steps,
        "risks": power_templates.format_risks(template.risks)})
    village = villages[spec["declined_by"]]
    update = next(u for u in power_updates.pending_for(village) if u.template_id == template.id)
    power_updates.decline(update.id, cadre_of[village.id], spec["decline_reason"])


def _adopt_all(village: Village, templates: list[PowerTemplate]) -> None:
    secretary = village.cadres[0]
    chair = next(c for c in village.cadres if c.role == "supervision_chair")
    items = []
    for template in templates:
        items.append(PowerItem(
            village=village, village_id=village.id, template_id=template.id, responsible_person=secretary.name,
            responsible_phone=village.supervision_phone,
            supervisor=f"村监委主任 {chair.name}；{village.township.name}纪委",
            hotline=outside_hotlines(village),
            **{col: getattr(template, col) for col in _COPIED},
        ))
    db.session.add_all(items)


_COPIED = ("code", "title", "category", "top_class", "legal_basis", "responsible_body", "eligibility", "materials",
           "steps", "total_time_limit", "disclosure_rules", "risks", "accountability", "note", "sort_order")


def _seed_accounts(townships, villages) -> list[User]:
    users = []
    password = hash_password(places_data.DEMO_PASSWORD)
    for username, role, tcode, vcode, name in places_data.ACCOUNTS:
        village = villages.get(vcode) if vcode else None
        township = townships.get(tcode) if tcode else (village.township if village else None)
        # Demo staff have worked with the portal before: their first sign-in (which makes a
        # complaint reader enrol a second factor) lies behind them.
        users.append(User(username=username, display_name=name, password_hash=password, role=role,
                          township=township, village=village, email=f"{username}@portal.invalid",
                          last_login_at=utcnow()))
    db.session.add_all(users)
    return users


def disclosure_content(spec: dict) -> dict:
    """Build the canonical content of a demo disclosure through the real import rules."""
    if spec["kind"] == "table":
        prepared = prepare_table(ParsedTable(columns=spec["columns"], rows=spec["rows"], encoding="utf-8"))
        content = {"kind": "table", **to_canonical(prepared)}
        if spec.get("notes"):
            content["notes_html"] = render_markdown(spec["notes"])
        return content
    if spec["kind"] == "decision":
        record = spec["decision"]
        breaches = [{"step": b.step, "code": b.code} for b in check_decision(record)]
        return {"kind": "decision", **record, "breaches": breaches}
    return {"kind": "text", "markdown": spec["markdown"], "html": render_markdown(spec["markdown"])}


def _seed_disclosures(villages, cadre_of) -> None:
    specs = list(content_data.DISCLOSURES)
    covered = {s["village"] for s in specs}
    for _tcode, vcode, name, _sec, _dir, chair, bookkeeper in places_data.VILLAGES:
        if vcode not in covered:
            specs.append(content_data.monthly_notice(vcode, name, bookkeeper, chair))
    for spec in specs:
        village = villages[spec["village"]]
        user = cadre_of.get(village.id)
        start, end = spec["period"]
        disclosure = Disclosure(village=village, domain=spec["domain"], kind=spec["kind"], topic=spec["topic"],
                                title=spec["title"], period_label=spec["period_label"], period_start=start,
                                period_end=end, created_by_id=user.id if user else None)
        db.session.add(disclosure)
        db.session.flush()
        content = disclosure_content(spec)
        content["meta"] = {"domain": spec["domain"], "topic": spec["topic"],
                           "period_label": spec["period_label"] or None,
                           "period_start": start.isoformat() if start else None,
                           "period_end": end.isoformat() if end else None}
        disclosure.breach_count = len(content.get("breaches", []))
        records.publish(disclosure, subject_type="disclosure", content=content, title=spec["title"], reason=None,
                        user_id=user.id if user else None)
        db.session.flush()


def duty_content(sections: dict) -> dict:
    """Canonical content of a duty report: the markdown and its sanitized HTML."""
    return {"kind": "duty_report", "sections": sections,
            "sections_html": {k: render_markdown(v) for k, v in sections.items() if v}}


def _seed_duty_reports(villages, cadre_of) -> None:
    rated: dict[int, tuple] = {}
    for spec in content_data.DUTY_REPORTS:
        village = villages[spec["village"]]
        user = cadre_of.get(village.id)
        report = DutyReport(village=village, cadre_name=spec["cadre_name"], cadre_role=spec["cadre_role"],
                            period=spec["period"], title=spec["title"], created_by_id=user.id if user else None)
        db.session.add(report)
        db.session.flush()
        content = duty_content(spec["content"]["sections"])
        content["meta"] = {"cadre_name": spec["cadre_name"], "cadre_role": spec["cadre_role"], "period": spec["period"]}
        records.publish(report, subject_type="duty_report", content=content,
                        title=spec["title"], reason=None, user_id=user.id if user else None)
        counts = dict(spec["ratings"])
        valid = sum(counts.values())
        counts["rate"] = round(100 * (counts["satisfied"] + counts["basically_satisfied"]) / valid, 1)
        counts["valid"] = valid
        rated.setdefault(village.id, (village, []))[1].append((report, counts))
        db.session.flush()
    for village, reports in rated.values():  # last year's evaluation, closed and published on the chain
        closed = utcnow().replace(microsecond=0) - timedelta(days=300)
        rnd = EvaluationRound(village=village, title=f"{village.name}{reports[0][0].period}年度述责述廉民主测评",
                              opened_at=closed - timedelta(days=7), closes_at=closed, closed_at=closed,
                              voter_count=max(c["valid"] for _r, c in reports), report_ids=[r.id for r, _c in reports])
        db.session.add(rnd)
        db.session.flush()
        publish_result(rnd, {r.id: c for r, c in reports})
        db.session.flush()
