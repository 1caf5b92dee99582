"""Find villages by Chinese name, full pinyin or pinyin initials."""
import re
import unicodedata

from pypinyin import Style, lazy_pinyin
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager

from ..extensions import db
from .models import Township, Village

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
    conditions = []
    if _LATIN.match(text):
        compact = _escape_like(text.replace(" ", ""))
        conditions += [
            Village.name_initials.like(f"{compact}%", escape="\\"),
            Village.name_pinyin.like(f"{compact}%", escape="\\"),
        ]
        if len(compact) >= 3:
            conditions.append(Village.name_pinyin.like(f"%{compact}%", escape="\\"))
        if text.isdigit():
            conditions.append(Village.code.like(f"{compact}%", escape="\\"))
    else:
        like = f"%{_escape_like(text)}%"
        conditions += [Village.name.like(like, escape="\\"), Township.name.like(like, escape="\\")]
    stmt = (
        select(Village)
        .join(Township, Village.township_id == Township.id)
        .where(or_(*conditions))
        .options(contains_eager(Village.township))
        .order_by(Village.name_initials, Village.code)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
