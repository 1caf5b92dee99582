"""Locate the top-level templates/, static/, migrations/ and translations/ folders.

In a checkout they sit beside the package; an installed wheel carries them
under ``portal/_data`` (see pyproject's force-include).
"""
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT_ROOT = PACKAGE_DIR.parent
_WHEEL_DATA = PACKAGE_DIR / "_data"


def _find(name: str) -> Path:
    for base in (_CHECKOUT_ROOT, _WHEEL_DATA):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    return _CHECKOUT_ROOT / name


TEMPLATES_DIR = _find("templates")
STATIC_DIR = _find("static")
MIGRATIONS_DIR = _find("migrations")
TRANSLATIONS_DIR = _find("translations")
