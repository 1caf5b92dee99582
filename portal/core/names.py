"""Finding a person's name in free text, the way a resident writes it.

Chinese names are short and written without spaces; residents add spaces,
middle dots or full-width letters ("王 建国", "王·建国"). Both sides are
normalised (NFKC, no spaces, dots or dashes, lower-case) before a plain
substring search. A name of fewer than two characters is never matched.
A longer name containing the listed one ("王建国强") also matches: for routing
a complaint away from a conflict, a false match is the safe mistake.
"""
import re
import unicodedata

_IGNORED = re.compile(r"[\s\u00b7\u2022\u30fb\u2027.\-_·•,，、]+")


def normalise(text: str | None) -> str:
    """Fold text for name matching."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def names(texts, name: str | None) -> bool:
    """Tell whether any of the texts contains the person's name."""
    wanted = normalise(name)
    if len(wanted) < 2:
        return False
    return any(wanted in normalise(t) for t in texts if t)
