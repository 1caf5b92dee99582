"""Search inside the county's published disclosures: titles, text, table cells, decision records.

Three characters or more go through the databases' text indexes (SQLite FTS5 trigram on disclosure_fts,
PostgreSQL pg_trgm GIN on disclosure_text.body). Two characters are too short for a trigram: they run as
LIKE over the indexed text of one village, or else of one year (the current year unless another is
chosen), found through the (village_id, year) and (year, published_at) indexes, so no two-character query
reads the whole county's history. One character is refused. A query that holds an ID card, bank card or
mobile number is refused: those are masked in every disclosure and in the index, so the raw number can
never match, and saying so is clearer than an empty page.
"""
import math
import unicodedata
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import func, literal_column, select
from sqlalchemy import text as sql_text

from portal.core.masking import mask_text
from portal.disclosures.archive import DOMAINS
from portal.disclosures.search_index import DisclosureText
from portal.extensions import db
from portal.places.models import Township, Village

MAX_QUERY = 64
PAGE_SIZE = 20
MAX_PAGE = 50  # 1,000 results: narrow the search rather than page further
SNIPPET = 40  # characters either side of the match


@dataclass
class Criteria:
    query: str = ""
    village: Village | None = None
    domain: str | None = None
    year: int | None = None
    page: int = 1


@dataclass
class Hit:
    disclosure_id: int
    revision_number: int
    title: str
    village_code: str
    village_name: str
    township_name: str
    domain: str
    kind: str
    published_at: object
    snippet: Markup


@dataclass
class Results:
    hits: list[Hit]
    total: int
    page: int
    pages: int
    short_query_year: int | None  # the year a two-character query was limited to (None: a village)


class SearchError(ValueError):
    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field, self.message = field, message


def clean_query(raw: str | None) -> str:
    """Drop control and format characters, fold full-width letters and digits, trim."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return " ".join(text.split())[:MAX_QUERY]


def check_query(query: str) -> None:
    """Refuse what cannot be searched, with the reason."""
    if len(query) < 2:
        raise SearchError("q", _l("Type at least two characters."))
    if mask_text(query) != query:
        raise SearchError("q", _l("ID card, bank card and phone numbers are masked in every disclosure, so they "
                                  "cannot be searched. Search for a name, an item or a project instead."))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def _matches(query: str):
    if len(query) >= 3 and _sqlite():
        phrase = '"' + query.replace('"', '""') + '"'
        ids = select(literal_column("rowid")).select_from(sql_text("disclosure_fts")).where(
            sql_text("disclosure_fts MATCH :fts_query").bindparams(fts_query=phrase))
        return DisclosureText.disclosure_id.in_(ids)
    # PostgreSQL: ILIKE uses the pg_trgm GIN index from three characters on; SQLite: the scoped LIKE.
    like = f"%{_escape_like(query)}%"
    return DisclosureText.body.ilike(like, escape="\\") if not _sqlite() else DisclosureText.body.like(
        like, escape="\\")


def search(criteria: Criteria, today_year: int) -> Results:
    """One page of disclosures whose current revision contains the query, newest first."""
    query = criteria.query
    check_query(query)
    where = [_matches(query)]
    year, short_year = criteria.year, None
    if len(query) < 3 and criteria.village is None and year is None:
        year = short_year = today_year  # a two-character query over the whole county: one year at a time
    if criteria.village is not None:
        where.append(DisclosureText.village_id == criteria.village.id)
    if year is not None:
        where.append(DisclosureText.year == year)
    if criteria.domain:
        where.append(DisclosureText.domain == criteria.domain)
    total = db.session.scalar(select(func.count()).select_from(DisclosureText).where(*where)) or 0
    pages = max(1, min(MAX_PAGE, math.ceil(total / PAGE_SIZE)))
    if not 1 <= criteria.page <= pages:
        raise SearchError("page", _l("There is no such page of results."))
    rows = db.session.execute(
        select(DisclosureText.disclosure_id, DisclosureText.revision_number, DisclosureText.title,
               DisclosureText.domain, DisclosureText.kind, DisclosureText.published_at, DisclosureText.body,
               Village.code, Village.name, Township.name)
        .join(Village, Village.id == DisclosureText.village_id).join(Township, Township.id == Village.township_id)
        .where(*where).order_by(DisclosureText.published_at.desc(), DisclosureText.disclosure_id.desc())
        .offset((criteria.page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    hits = [Hit(r[0], r[1], r[2], r[7], r[8], r[9], r[3], r[4], r[5], snippet(r[6], query)) for r in rows]
    return Results(hits, total, criteria.page, pages, short_year)


def snippet(body: str, query: str) -> Markup:
    """The words around the first match below the title (shown already), the match marked."""
    _title, _sep, rest = body.partition("\n")
    if query.lower() in rest.lower():
        body = rest
    at = body.lower().find(query.lower())
    if at < 0:
        return Markup(escape(body[: 2 * SNIPPET]))
    start, end = max(0, at - SNIPPET), min(len(body), at + len(query) + SNIPPET)
    before, found, after = body[start:at], body[at:at + len(query)], body[at + len(query):end]
    text = Markup("{}{}<mark>{}</mark>{}{}").format("…" if start else "", " ".join(before.split()), found,
                                                      " ".join(after.split()), "…" if end < len(body) else "")
    return text


def parse(args, find_village) -> tuple[Criteria, dict[str, str]]:
    """Read the query string; bad filters give a message per field and are left out."""
    errors: dict[str, str] = {}
    criteria = Criteria(query=clean_query(args.get("q")))
    code = (args.get("village") or "").strip()
    if code:
        criteria.village = find_village(code)
        if criteria.village is None:
            errors["village"] = _l("There is no village with this code.")
    domain = (args.get("domain") or "").strip()
    if domain:
        if domain in DOMAINS:
            criteria.domain = domain
        else:
            errors["domain"] = _l("Choose party, village or finance affairs.")
    year = (args.get("year") or "").strip()
    if year:
        if year.isascii() and year.isdigit() and 2000 <= int(year) <= 2100:
            criteria.year = int(year)
        else:
            errors["year"] = _l("Give a year such as 2025.")
    page = (args.get("page") or "1").strip()
    if page.isascii() and page.isdigit() and 1 <= int(page) <= MAX_PAGE:
        criteria.page = int(page)
    else:
        errors["page"] = _l("There is no such page of results.")
    return criteria, errors


def village_by_code(code: str) -> Village | None:
    if not (code.isascii() and code.isdigit() and len(code) == 12):
        return None
    return db.session.scalar(select(Village).where(Village.code == code))


def years() -> list[int]:
    """The years with published disclosures, newest first (for the filter)."""
    first, last = db.session.execute(select(func.min(DisclosureText.year), func.max(DisclosureText.year))).one()
    return list(range(last, first - 1, -1)) if first and last else []
