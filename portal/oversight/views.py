"""The county's oversight pages: complaint statistics, disclosure freshness, overdue cases; each as CSV too."""
from datetime import date

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.core.exports import csv_response, wants_csv
from portal.core.labels import label
from portal.core.permissions import (
    can_list_cases,
    can_view_oversight,
    guard_area,
    oversight_township_id,
    statistics_min_count,
)
from portal.core.timezone import local_today, month_end
from portal.extensions import db
from portal.oversight import charts, obligations, overdue, present, procedure, stats
from portal.places.models import Township, Village

bp = Blueprint("oversight", __name__, url_prefix="/oversight")
present.register_globals(bp)
MAX_MONTHS = 60


bp.before_request(guard_area(can_view_oversight))


def _parse_day(text: str, end: bool) -> date | None:
    """Read "2025-03-14", or "2025-03" as the month's first (or, for an end, last) day."""
    text = text.strip()
    try:
        if len(text) == 7:
            first = date.fromisoformat(text + "-01")
            day = month_end(first) if end else first
        else:
            day = date.fromisoformat(text)
    except ValueError:
        return None
    # Far-off years are typing mistakes, and would overflow the time-zone arithmetic.
    return day if 2000 <= day.year <= 2100 else None


def _filters() -> tuple[stats.Filters, list[str], list[Township]]:
    """Read the period and township from the query string; bad values fall back with a message."""
    today = local_today()
    start, end = stats.default_period(today)
    errors = []
    for name, is_end, message in (("from", False, _("The start date was not understood.")),
                                  ("to", True, _("The end date was not understood."))):
        if request.args.get(name):
            day = _parse_day(request.args[name], end=is_end)
            if day is None:
                errors.append(message)
            elif is_end:
                end = day
            else:
                start = day
    if start > end:
        errors.append(_("The start date is after the end date."))
        start, end = stats.default_period(today)
    if (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
        errors.append(_("Choose at most five years."))
        start, end = stats.default_period(today)
    township_id = oversight_township_id(current_user)
    townships = list(db.session.scalars(select(Township).order_by(Township.code)))
    if township_id is None and request.args.get("township"):
        chosen = next((t for t in townships if t.code == request.args["township"]), None)
        if chosen is None:
            errors.append(_("There is no such township."))
        else:
            township_id = chosen.id
    if township_id is not None:
        townships = [t for t in townships if t.id == township_id]
    return stats.Filters(start, end, township_id), errors, townships


def _villages(townships: list[Township]) -> list[Village]:
    ids = [t.id for t in townships]
    return list(db.session.scalars(select(Village).where(Village.township_id.in_(ids)).order_by(Village.code)))


def _freshness(filters: stats.Filters, townships: list[Township], today: date):
    villages = _villages(townships)
    checked = obligations.for_villages([v.id for v in villages], today, township_id=filters.township_id)
    return [(v, [o for o in checked[v.id] if o.state != "ok"], len(checked[v.id])) for v in villages]


STAT_HEADER = ("section", "code", "name", *stats.COLUMNS, "satisfaction_rate")


def _stat_rows(report: stats.Report):
    def row(section, group):
        return (section, group.key, group.name, *(getattr(group.tally, c) for c in stats.COLUMNS),
                group.tally.satisfaction)

    yield row("total", stats.Group("", _("All"), report.total))
    for section in ("townships", "villages", "categories", "months"):
        for group in getattr(report, section):
            yield row(section[:-1] if section != "categories" else "category", group)


@bp.get("/")
def dashboard():
    filters, errors, townships = _filters()
    today = local_today()
    report = stats.build_for(current_user, filters, today)
    if wants_csv(request):
        return csv_response(f"oversight-{filters.start}-{filters.end}.csv", STAT_HEADER, _stat_rows(report))
    freshness = _freshness(filters, townships, today)
    month_names = [present.month_name(g.key) for g in report.months]
    figures = {
        "months": charts.month_chart(_("Complaints by month"), [g.key for g in report.months],
                                     [g.tally.received for g in report.months],
                                     [g.tally.concluded for g in report.months], _("Received"), _("Concluded")),
        "townships": charts.bar_chart(_("Complaints received by township"),
                                      [(g.name, g.tally.received) for g in report.townships]),
        "categories": charts.bar_chart(_("Complaints received by category"),
                                       [(g.name, g.tally.received) for g in report.categories]),
    }
    cases = overdue.overdue_cases(current_user, filters.township_id, today) if can_list_cases(current_user) else None
    counts = overdue.overdue_counts(filters.township_id, today, current_user)
    # The same privacy threshold as the period's figures: a "1" here could name a single case.
    threshold = statistics_min_count(current_user)
    breach_townships, breach_villages = (
        procedure.suppress_small(places, threshold)
        for places in procedure.breaches(filters.start, filters.end, filters.township_id))
    now = {"open": stats.shown(overdue.open_count(filters.township_id, current_user), threshold),
           "overdue": stats.shown(sum(dict.values(counts)), threshold)}
    return render_template("oversight/dashboard.html", report=report, filters=filters, errors=errors, now=now,
                           breach_townships=breach_townships, breach_villages=breach_villages,
                           townships=townships, all_townships=oversight_township_id(current_user) is None,
                           figures=figures, month_names=month_names, freshness=freshness, cases=cases,
                           overdue_counts=counts, today=today, columns=stats.COLUMNS,
                           min_count=statistics_min_count(current_user))


@bp.get("/disclosures")
def disclosures():
    filters, errors, townships = _filters()
    today = local_today()
    freshness = _freshness(filters, townships, today)
    if wants_csv(request):
        rows = ((v.township.name, v.code, v.name, label("obligation", o.kind), present.period_text(o),
                 o.due.isoformat(), o.state, o.published_on.isoformat() if o.published_on else "")
                for v, problems, _n in freshness for o in problems)
        return csv_response(f"disclosure-obligations-{today}.csv",
                            ("township", "village_code", "village", "obligation", "period", "due", "state",
                             "published_on"), rows)
    return render_template("oversight/disclosures.html", freshness=freshness, errors=errors, today=today,
                           townships=townships, all_townships=oversight_township_id(current_user) is None,
                           filters=filters)


@bp.get("/overdue")
def overdue_list():
    filters, errors, townships = _filters()
    today = local_today()
    counts = overdue.overdue_counts(filters.township_id, today, current_user)
    cases = overdue.overdue_cases(current_user, filters.township_id, today) if can_list_cases(current_user) else None
    if wants_csv(request):
        if cases is None:
            return csv_response(f"overdue-counts-{today}.csv", ("township_code", "township", "overdue"),
                                ((t.code, t.name, counts.get(t.id, 0)) for t in townships))
        return csv_response(f"overdue-cases-{today}.csv",
                            ("case_number", "township", "village", "category", "handling_level", "received_on",
                             "due", "days_overdue"),
                            ((c.case_number, c.township, c.village, label("complaint_category", c.category),
                              c.handling_level, c.received_on.isoformat(), c.due.isoformat(), c.days_overdue)
                             for c in cases))
    return render_template("oversight/overdue.html", cases=cases, overdue_counts=counts, townships=townships,
                           errors=errors, today=today, all_townships=oversight_township_id(current_user) is None,
                           filters=filters)
