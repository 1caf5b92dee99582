"""Refresh the message catalogues and fill Chinese translations from translations/pending/*.json.

Usage: python scripts/i18n.py            (extract, update, merge pending, report missing)
       python scripts/i18n.py --missing  (list msgids without a Chinese translation)
"""
import json
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
ZH_PO = TRANSLATIONS / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
PYBABEL = str(Path(sys.executable).parent / "pybabel")


def extract_and_update() -> None:
    pot = str(TRANSLATIONS / "messages.pot")
    subprocess.run([PYBABEL, "-q", "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
                    "--no-location", "-o", pot, "."], cwd=ROOT, check=True)
    subprocess.run([PYBABEL, "-q", "update", "-i", pot, "-d", str(TRANSLATIONS), "--no-fuzzy-matching",
                    "--omit-header", "--ignore-obsolete"], cwd=ROOT, check=True)


def merge_pending() -> int:
    pending = {}
    for path in sorted((TRANSLATIONS / "pending").glob("*.json")):
        pending.update(json.loads(path.read_text(encoding="utf-8")))
    with ZH_PO.open("rb") as fh:
        catalog = read_po(fh, locale="zh_Hans_CN")
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key in pending and not _translated(message):
            message.string = pending[key] if isinstance(message.id, str) else (pending[key],)
            filled += 1
    with ZH_PO.open("wb") as fh:
        write_po(fh, catalog, width=0, omit_header=False, include_previous=False)
    return filled


def _translated(message) -> bool:
    value = message.string
    return bool(value if isinstance(value, str) else all(value))


def missing() -> list[str]:
    with ZH_PO.open("rb") as fh:
        catalog = read_po(fh, locale="zh_Hans_CN")
    return [m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and not _translated(m)]


if __name__ == "__main__":
    if "--missing" not in sys.argv:
        extract_and_update()
        print(f"filled {merge_pending()} translations from pending/")
    gaps = missing()
    print(f"{len(gaps)} msgids without Chinese")
    for msgid in gaps:
        print(json.dumps(msgid, ensure_ascii=False))
