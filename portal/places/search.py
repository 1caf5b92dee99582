"""Find villages by Chinese name, full pinyin or pinyin initials.

Substrings are found through the databases' own text indexes (migration s1search), never by a scan:
- three characters or more: SQLite FTS5 with the trigram tokenizer (table village_fts), PostgreSQL
  pg_trgm GIN indexes on village.name, village.name_pinyin and township.name;
- one or two characters (too short for a trigram): the village_gram table, which holds every one- and
  two-character piece of each village's and township's name, read by its primary key;
- pinyin and initials prefixes: the B-tree indexes on name_pinyin and name_initials.
Results are those of a LIKE '%…%' over the same columns, ordered by initials and code.
"""
import re

from pypinyin import Style, lazy_pinyin
from sqlalchemy import literal_column, or_, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import contains_eager

from portal.core.text import refuse_hidden, refuse_too_long
from portal.extensions import db
from portal.places.models import Township, Village, VillageGram

MAX_RESULTS = 50
MAX_QUERY = 64  # longer than any village's or township's name, or its pinyin
_LATIN = re.compile(r"^[a-z0-9 ]+$")


def pinyin_of(name: str) -> tuple[str, str]:
    """Return (full pinyin, initials) of a Chinese name, lower-case, no spaces."""
    syllables = lazy_pinyin(name, errors="ignore")
    initials = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(syllables).lower(), "".join(initials).lower()


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_villages(query: str, limit: int = MAX_RESULTS) -> list[Village]:
    """Villages matching the query by name, township name, pinyin or initials.

    A query with hidden characters or longer than MAX_QUERY is refused (PortalError on "q"), never
    stripped or cut: what is searched is what the user typed.
    """
    text = (query or "").strip()
    refuse_hidden("q", text, multiline=False)
    refuse_too_long("q", text, MAX_QUERY)
    text = text.lower()
    if not text:
        return []
    if _LATIN.match(text):
        compact = text.replace(" ", "")
        # Prefix ranges use the indexes (LIKE would scan: SQLite's LIKE ignores case).
        found = _run([_prefix(Village.name_initials, compact), _prefix(Village.name_pinyin, compact)]
                     + ([_prefix(Village.code, compact)] if compact.isdigit() else []), limit)
        if len(found) < limit and len(compact) >= 3:
            # Fall back to a substring of the full pinyin ("tang" finds 上塘村) only when needed.
            seen = {v.id for v in found}
            more = _run([_pinyin_contains(compact)], limit)
            found += [v for v in more if v.id not in seen][: limit - len(found)]
        return found
    return _run([_name_contains(text)], limit)


def _sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def _fts(columns: str, text: str):
    """Villages whose FTS5 columns contain text (a quoted phrase: the trigram tokenizer matches substrings)."""
    phrase = '"' + text.replace('"', '""') + '"'
    ids = select(literal_column("rowid")).select_from(sql_text("village_fts")).where(
        sql_text("village_fts MATCH :fts_query").bindparams(fts_query=f"{{{columns}}} : {phrase}"))
    return Village.id.in_(ids)


def _name_contains(text: str):
    """Villages whose name, or whose township's name, contains text."""
    if len(text) <= 2:
        return Village.id.in_(select(VillageGram.village_id).where(VillageGram.gram == text))
    if _sqlite():
        return _fts("name township", text)
    like = f"%{_escape_like(text)}%"
    return or_(Village.name.like(like, escape="\\"),
               Village.township_id.in_(select(Township.id).where(Township.name.like(like, escape="\\"))))


def _pinyin_contains(text: str):
    """Villages whose full pinyin contains text (three characters or more)."""
    if _sqlite():
        return _fts("name_pinyin", text)
    return Village.name_pinyin.like(f"%{_escape_like(text)}%", escape="\\")


def _prefix(column, text: str):
    """Match values starting with text as an index-friendly range."""
    upper = text[:-1] + chr(ord(text[-1]) + 1)
    return (column >= text) & (column < upper)


def _run(conditions, limit: int) -> list[Village]:
    stmt = (
        select(Village)
        .join(Township, Village.township_id == Township.id)
        .where(or_(*conditions))
        .options(contains_eager(Village.township))
        .order_by(Village.name_initials, Village.code)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
