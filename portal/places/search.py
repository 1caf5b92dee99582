"""Find villages by Chinese name, full pinyin or pinyin initials."""
import re
import unicodedata

from pypinyin import Style, lazy_pinyin
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager

from portal.extensions import db
from portal.places.models import Township, Village

MAX_RESULTS = 50
_LATIN = re.compile(r"^[a-z0-9 ]+$")


def pinyin_of(name: str) -> tuple[str, str]:
    """Return (full pinyin, initials) of a Chinese name, lower-case, no spaces."""
    syllables = lazy_pinyin(name, errors="ignore")
    initials = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(syllables).lower(), "".join(initials).lower()


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_villages(query: str, limit: int = MAX_RESULTS) -> list[Village]:
    """Villages matching the query by name, township name, pinyin or initials."""
    # Control and format characters (NUL, bidi overrides) never belong in a name.
    text = "".join(ch for ch in (query or "") if unicodedata.category(ch)[0] != "C").strip().lower()[:64]
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
            more = _run([Village.name_pinyin.like(f"%{_escape_like(compact)}%", escape="\\")], limit)
            found += [v for v in more if v.id not in seen][: limit - len(found)]
        return found
    like = f"%{_escape_like(text)}%"
    return _run([Village.name.like(like, escape="\\"), Township.name.like(like, escape="\\")], limit)


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
