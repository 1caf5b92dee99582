"""Readable differences between two published revisions (pure functions, no database).

Text is compared line by line, then word by word inside changed lines; Chinese
has no spaces, so each Han character counts as a word. Every piece of user
text is HTML-escaped here; only the <ins>/<del> marks are markup.
"""
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from markupsafe import Markup, escape

from portal.core.sanitize import plain_text

# Han characters one by one, words, numbers with separators, runs of spaces, line ends, any other character.
_TOKEN = re.compile(r"\n|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|\d+(?:[.,:/-]\d+)*|[^\W\d_]+|[^\S\n]+|.", re.S)
MAX_TOKENS = 20000  # beyond this a changed block is shown as removed then added, not aligned word by word
DECISION_FIELDS = ("date", "expected", "present", "for", "against", "abstain", "notice_date",
                   "posted_from", "posted_until", "note")


def tokenize(text: str) -> list[str]:
    """Split text into diffable words; joining the result gives the text back."""
    return _TOKEN.findall(text or "")


def _mark(tag: str, text: str) -> str:
    return f"<{tag}>{escape(text)}</{tag}>" if text else ""


def _diff_tokens(old: list[str], new: list[str]) -> str:
    if len(old) + len(new) > MAX_TOKENS:
        return _mark("del", "".join(old)) + _mark("ins", "".join(new))
    out = []
    for op, a1, a2, b1, b2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(str(escape("".join(old[a1:a2]))))
        else:
            out.append(_mark("del", "".join(old[a1:a2])) + _mark("ins", "".join(new[b1:b2])))
    return "".join(out)


def diff_text(old: str | None, new: str | None) -> Markup:
    """Return new text as escaped HTML with deletions in <del> and insertions in <ins>."""
    old_lines = (old or "").replace("\r\n", "\n").split("\n")
    new_lines = (new or "").replace("\r\n", "\n").split("\n")
    blocks = []
    for op, a1, a2, b1, b2 in SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        before, after = "\n".join(old_lines[a1:a2]), "\n".join(new_lines[b1:b2])
        if op == "equal":
            blocks.append(str(escape(before)))
        elif op == "delete":
            blocks.append(_mark("del", before) or "<del>\u200b</del>")  # an emptied line still shows
        elif op == "insert":
            blocks.append(_mark("ins", after) or "<ins>\u200b</ins>")
        else:
            blocks.append(_diff_tokens(tokenize(before), tokenize(after)))
    return Markup("\n".join(blocks))


@dataclass
class Cell:
    text: str
    old: str | None = None
    changed: bool = False


@dataclass
class Row:
    status: str  # "same" | "changed" | "added" | "removed"
    cells: list[Cell]


@dataclass
class TableDiff:
    columns: list[str]
    added_columns: list[str]
    removed_columns: list[str]
    rows: list[Row]  # only rows that changed, were added or were removed
    unchanged_rows: int
    totals: list[tuple[str, str | None, str | None]]  # (column, old, new) where they differ

    @property
    def changed(self) -> bool:
        return bool(self.added_columns or self.removed_columns or self.rows or self.totals)


def _as_dict(columns: list[str], row: list) -> dict:
    return {c: ("" if v is None else str(v)) for c, v in zip(columns, row, strict=False)}


def diff_table(old: dict, new: dict) -> TableDiff:
    """Compare two tables: added, removed and changed rows, changed cells and totals."""
    old_cols, new_cols = list(old.get("columns") or []), list(new.get("columns") or [])
    columns = new_cols + [c for c in old_cols if c not in new_cols]
    common = [c for c in new_cols if c in old_cols]
    old_rows = [_as_dict(old_cols, r) for r in old.get("rows") or []]
    new_rows = [_as_dict(new_cols, r) for r in new.get("rows") or []]
    key = lambda r: tuple(r.get(c, "") for c in common)  # noqa: E731
    rows, unchanged = [], 0
    matcher = SequenceMatcher(None, [key(r) for r in old_rows], [key(r) for r in new_rows], autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            unchanged += a2 - a1
            continue
        olds, news = old_rows[a1:a2], new_rows[b1:b2]
        for before, after in zip(olds, news, strict=False):  # rows in the same place were edited
            cells = [Cell(after.get(c, ""), before.get(c), before.get(c) != after.get(c)) if c in common
                     else Cell(after.get(c, before.get(c, "")), None, True) for c in columns]
            rows.append(Row("changed", cells))
        rows += [Row("removed", [Cell(r.get(c, "")) for c in columns]) for r in olds[len(news):]]
        rows += [Row("added", [Cell(r.get(c, "")) for c in columns]) for r in news[len(olds):]]
    old_totals, new_totals = old.get("totals") or {}, new.get("totals") or {}
    totals = [(c, old_totals.get(c), new_totals.get(c)) for c in columns
              if old_totals.get(c) != new_totals.get(c)]
    return TableDiff(columns, [c for c in new_cols if c not in old_cols], [c for c in old_cols if c not in new_cols],
                     rows, unchanged, totals)


@dataclass
class FieldChange:
    step: str | None  # decision step code, None for the record as a whole
    name: str
    old: object
    new: object


def diff_decision(old: dict, new: dict) -> list[FieldChange]:
    """List the decision-record fields that differ, step by step."""
    changes = [FieldChange(None, name, old.get(name), new.get(name)) for name in ("matter", "dual_role")
               if old.get(name) != new.get(name)]
    old_steps = {s.get("step"): s for s in old.get("steps") or []}
    new_steps = {s.get("step"): s for s in new.get("steps") or []}
    order = list(new_steps) + [s for s in old_steps if s not in new_steps]
    for step in order:
        if step not in old_steps or step not in new_steps:
            changes.append(FieldChange(step, "step", step in old_steps, step in new_steps))
            continue
        changes += [FieldChange(step, name, old_steps[step].get(name), new_steps[step].get(name))
                    for name in DECISION_FIELDS
                    if (old_steps[step].get(name) or None) != (new_steps[step].get(name) or None)]
    return changes


def _breach_keys(content: dict) -> set[tuple]:
    return {(b.get("step"), b.get("code")) for b in content.get("breaches") or []}


@dataclass
class RevisionDiff:
    kind: str
    title: Markup | None = None
    text: Markup | None = None
    notes: Markup | None = None
    table: TableDiff | None = None
    fields: list[FieldChange] = field(default_factory=list)
    breaches_added: list[tuple] = field(default_factory=list)
    breaches_removed: list[tuple] = field(default_factory=list)
    files_added: list[dict] = field(default_factory=list)
    files_removed: list[dict] = field(default_factory=list)
    sections: list[tuple[str, Markup]] = field(default_factory=list)
    items: list[tuple[str, Markup]] = field(default_factory=list)  # power-item fields, by name
    meta: list[FieldChange] = field(default_factory=list)  # category, period, cadre, retired …

    @property
    def changed(self) -> bool:
        return any((self.title, self.text, self.notes, self.table and self.table.changed, self.fields,
                    self.breaches_added, self.breaches_removed, self.files_added, self.files_removed,
                    self.sections, self.items, self.meta))


def _text_of(content: dict, source: str, html: str) -> str:
    """Prefer the author's source text; fall back to the visible text of the HTML."""
    if content.get(source) is not None:
        return content.get(source) or ""
    return plain_text(content.get(html) or "")


def _changed_text(old: str, new: str) -> Markup | None:
    return None if old == new else diff_text(old, new)


POWER_TEXT_FIELDS = ("code", "category", "top_class", "legal_basis", "responsible_body", "eligibility", "materials",
                     "steps", "total_time_limit", "disclosure_rules", "risks", "accountability", "note",
                     "responsible_person", "responsible_phone", "supervisor", "hotline")


def _power_field_text(name: str, value) -> str:
    """One power-item field as lines of text, so lists of steps and risks diff line by line."""
    if not value:
        return ""
    if name == "steps":
        return "\n".join(f"{s.get('seq')}. {s.get('actor_role') or ''}: {s.get('action') or ''}"
                         + (f" · {s.get('time_limit')}" if s.get("time_limit") else "")
                         + (f" · {s.get('output_doc')}" if s.get("output_doc") else "")
                         + (" · ⚠" if s.get("is_risk_point") else "") for s in value if isinstance(s, dict))
    if name == "risks":
        return "\n".join(f"{r.get('step_seq') or 0} · {r.get('level') or ''}: {r.get('risk') or ''} → "
                         f"{r.get('control') or ''}" for r in value if isinstance(r, dict))
    if name == "disclosure_rules":
        return "\n".join(" · ".join(str(d.get(k)) for k in ("what", "when", "where", "min_days_posted") if d.get(k))
                         for d in value if isinstance(d, dict))
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)


def _meta_changes(old: dict, new: dict) -> list[FieldChange]:
    old_meta, new_meta = old.get("meta") or {}, new.get("meta") or {}
    changes = [FieldChange(None, name, old_meta.get(name), new_meta.get(name))
               for name in list(new_meta) + [k for k in old_meta if k not in new_meta]
               if (old_meta.get(name) or None) != (new_meta.get(name) or None)]
    if bool(old.get("retired")) != bool(new.get("retired")):
        changes.append(FieldChange(None, "retired", bool(old.get("retired")), bool(new.get("retired"))))
    return changes


def diff_revisions(old_title: str, old: dict, new_title: str, new: dict) -> RevisionDiff:
    """Compare two revisions of one subject, whatever kind of content they hold."""
    old, new = old or {}, new or {}
    result = RevisionDiff(kind=new.get("kind") or old.get("kind") or "text",
                          title=_changed_text(old_title or "", new_title or ""))
    kind = result.kind
    result.meta = _meta_changes(old, new)
    if kind == "power_item":
        for name in POWER_TEXT_FIELDS:
            before, after = _power_field_text(name, old.get(name)), _power_field_text(name, new.get(name))
            if before != after:
                result.items.append((name, diff_text(before, after)))
    elif kind == "text":
        result.text = _changed_text(_text_of(old, "markdown", "html"), _text_of(new, "markdown", "html"))
    elif kind == "table":
        result.table = diff_table(old, new)
        result.notes = _changed_text(_text_of(old, "notes", "notes_html"), _text_of(new, "notes", "notes_html"))
    elif kind == "decision":
        result.fields = diff_decision(old, new)
        result.breaches_added = sorted(_breach_keys(new) - _breach_keys(old), key=str)
        result.breaches_removed = sorted(_breach_keys(old) - _breach_keys(new), key=str)
    elif kind == "duty_report":
        old_s, new_s = old.get("sections") or {}, new.get("sections") or {}
        for key in list(new_s) + [k for k in old_s if k not in new_s]:
            if (old_s.get(key) or "") != (new_s.get(key) or ""):
                result.sections.append((key, diff_text(old_s.get(key) or "", new_s.get(key) or "")))
    if kind == "attachment" or old.get("description_html") or new.get("description_html"):
        result.text = result.text or _changed_text(_text_of(old, "description", "description_html"),
                                                   _text_of(new, "description", "description_html"))
        old_ids = {f.get("id") for f in old.get("files") or []}
        new_ids = {f.get("id") for f in new.get("files") or []}
        result.files_added = [f for f in new.get("files") or [] if f.get("id") not in old_ids]
        result.files_removed = [f for f in old.get("files") or [] if f.get("id") not in new_ids]
    return result


def pick_pair(revisions: list, from_number: int | None, to_number: int | None) -> tuple | None:
    """Choose the two revisions to compare (default: the last correction); None when the pair is invalid."""
    by_number = {r.number: r for r in revisions}
    if len(by_number) < 2:
        return None
    to_number = max(by_number) if to_number is None else to_number
    from_number = to_number - 1 if from_number is None else from_number
    if from_number >= to_number or from_number not in by_number or to_number not in by_number:
        return None
    return by_number[from_number], by_number[to_number]
