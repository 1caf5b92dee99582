"""Machine-readable village data: an Atom feed of what was published, and CSV downloads."""
import re
import xml.etree.ElementTree as ET
from datetime import UTC
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, make_response, request
from flask_babel import gettext as _
from sqlalchemy import select

from portal.core.exports import csv_response
from portal.core.http import conditional, revalidate
from portal.core.labels import label
from portal.core.sanitize import plain_text
from portal.core.urls import public_base_url
from portal.disclosures.service import get_published, revisions_of
from portal.extensions import db
from portal.places.service import get_village
from portal.powers.models import PowerItem
from portal.records.links import revision_path
from portal.records.models import PublishedRevision

bp = Blueprint("feeds", __name__)
ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50
SUMMARY_CHARS = 600
# Characters XML 1.0 cannot carry at all (a title typed with a stray control character).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _base() -> str:
    return public_base_url()


def tag_uri(specific: str) -> str:
    """Build a permanent tag: URI (RFC 4151) for a feed or entry id."""
    authority = urlsplit(_base()).hostname or "portal.invalid"
    return f"tag:{authority},{current_app.config.get('FEED_TAG_YEAR', '2025')}:{specific}"


def _text(value) -> str:
    return _NOT_XML.sub("", str(value or ""))


def _stamp(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def summary_of(revision: PublishedRevision) -> str:
    """A plain-text summary of what a revision published (sanitized, shortened)."""
    content = revision.content or {}
    if revision.subject_type == "duty_report":
        html = " ".join((content.get("sections_html") or {}).values())
    elif content.get("kind") == "text":
        html = content.get("html", "")
    elif content.get("kind") == "table":
        html = " ".join(str(c) for c in content.get("columns", [])) + " " + content.get("notes_html", "")
    elif content.get("kind") == "decision":
        html = str(content.get("matter", ""))
    elif content.get("kind") == "power_item":
        html = "；".join(f"{s.get('actor_role', '')}: {s.get('action', '')}" for s in content.get("steps") or []
                        if isinstance(s, dict))
    else:
        html = content.get("description_html", "")
    text = plain_text(html, limit=SUMMARY_CHARS)
    if revision.reason and (revision.number > 1 or revision.subject_type == "redaction"):
        text = _("Correction: %(reason)s", reason=plain_text(revision.reason, limit=200)) + " — " + text
    return text


def _entry_link(code: str, revision: PublishedRevision) -> str:
    return _base() + revision_path(code, revision)


def build_feed(village, revisions: list[PublishedRevision]) -> bytes:
    """Serialise the village's latest revisions as an Atom 1.0 document."""
    ET.register_namespace("", ATOM)
    q = lambda name: f"{{{ATOM}}}{name}"  # noqa: E731
    feed = ET.Element(q("feed"), {"{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"})
    ET.SubElement(feed, q("id")).text = tag_uri(f"village/{village.code}")
    title = f"{village.township.name} {village.name} · " + _("Disclosures and duty reports")
    ET.SubElement(feed, q("title")).text = _text(title)
    newest = revisions[0].published_at if revisions else village.updated_at
    ET.SubElement(feed, q("updated")).text = _stamp(newest)
    ET.SubElement(feed, q("link"), rel="self", href=f"{_base()}/villages/{village.code}/feed.atom")
    ET.SubElement(feed, q("link"), rel="alternate", type="text/html", href=f"{_base()}/villages/{village.code}")
    author = ET.SubElement(feed, q("author"))
    ET.SubElement(author, q("name")).text = _text(village.name)
    for revision in revisions:
        entry = ET.SubElement(feed, q("entry"))
        ET.SubElement(entry, q("id")).text = tag_uri(
            f"village/{village.code}/{revision.subject_type}/{revision.subject_id}/revision/{revision.number}")
        title = revision.title if revision.number == 1 else _("%(title)s (correction %(n)d)", title=revision.title,
                                                                   n=revision.number - 1)
        ET.SubElement(entry, q("title")).text = _text(title)
        ET.SubElement(entry, q("updated")).text = _stamp(revision.published_at)
        ET.SubElement(entry, q("published")).text = _stamp(revision.published_at)
        ET.SubElement(entry, q("link"), rel="alternate", type="text/html", href=_entry_link(village.code, revision))
        ET.SubElement(entry, q("category"), term=revision.subject_type,
                      label=label("subject_type", revision.subject_type))
        ET.SubElement(entry, q("content"), type="text").text = _text(summary_of(revision))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


@bp.get("/villages/<code>/feed.atom")
@conditional
def village_feed(code: str):
    village = get_village(code)
    revalidate("feed", village.id, village.content_version, last_modified=village.updated_at)
    revisions = list(db.session.scalars(
        select(PublishedRevision).where(PublishedRevision.village_id == village.id)
        .order_by(PublishedRevision.chain_seq.desc()).limit(FEED_SIZE)))
    response = make_response(build_feed(village, revisions))
    response.mimetype = "application/atom+xml"
    response.charset = "utf-8"
    return response


def _steps_text(steps) -> str:
    return " ".join(f"{s.get('seq', i)}. {s.get('actor_role', '')}: {s.get('action', '')}"
                    + (f" ({s['time_limit']})" if s.get("time_limit") else "")
                    for i, s in enumerate(steps or [], start=1))


@bp.get("/villages/<code>/powers.csv")
@conditional
def powers_csv(code: str):
    village = get_village(code)
    revalidate("powers.csv", village.id, village.content_version, last_modified=village.updated_at)
    items = db.session.scalars(select(PowerItem).where(PowerItem.village_id == village.id,
                                                       PowerItem.retired_at.is_(None))
                               .order_by(PowerItem.sort_order, PowerItem.id))
    header = ("code", "title", "category", "responsible_body", "responsible_person", "responsible_phone",
              "time_limit", "legal_basis", "steps", "supervisor", "hotline", "url")
    rows = [(i.code, i.title, label("power_category", i.category), i.responsible_body, i.responsible_person,
             i.responsible_phone, i.total_time_limit, "; ".join(map(str, i.legal_basis or [])), _steps_text(i.steps),
             i.supervisor, i.hotline, f"{_base()}/villages/{village.code}/powers/{i.id}") for i in items]
    return csv_response(f"{village.code}-powers.csv", header, rows)


@bp.get("/villages/<code>/disclosures/<int:disclosure_id>.csv")
@conditional
def disclosure_csv(code: str, disclosure_id: int):
    village = get_village(code)
    disclosure = get_published(village, disclosure_id)
    number = request.args.get("revision", type=int)
    revision = disclosure.current_revision
    if number is not None:
        revision = next((r for r in revisions_of("disclosure", disclosure.id) if r.number == number), None)
    content = (revision.content or {}) if revision else {}
    if content.get("kind") != "table":
        abort(404)
    revalidate("disclosure.csv", disclosure.id, revision.number, last_modified=disclosure.last_published_at)
    columns = list(content.get("columns", []))
    rows = [list(r) for r in content.get("rows", [])]
    totals = content.get("totals") or {}
    if totals:
        rows.append([totals.get(c, _("Total") if i == 0 else "") for i, c in enumerate(columns)])
    return csv_response(f"{village.code}-disclosure-{disclosure.id}-r{revision.number}.csv", columns, rows)
