"""Recompute simple spreadsheet formulas whose saved value is missing.

Workbooks written by programs other than Excel (and some "save as" paths) keep
the formula but no cached result. Village statements use few forms: SUM over a
range, and sums or differences of cells (=E5+C6-D6). Anything else is left
alone and reported, never guessed.
"""
import re
from decimal import Decimal, InvalidOperation

from openpyxl.utils.cell import column_index_from_string

_TOKEN = re.compile(r"\s*(?:(?P<range>\$?[A-Z]{1,3}\$?\d+:\$?[A-Z]{1,3}\$?\d+)|(?P<ref>\$?[A-Z]{1,3}\$?\d+)"
                    r"|(?P<num>\d+(?:\.\d+)?)|(?P<func>SUM)\s*\(|(?P<op>[-+*/(),]))", re.IGNORECASE)
MAX_RANGE_CELLS = 100_000


class Unsupported(ValueError):
    """The formula uses something this evaluator does not handle, or refers to a missing value."""


def _cell(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"\$?([A-Z]{1,3})\$?(\d+)", ref.upper())
    return int(m.group(2)), column_index_from_string(m.group(1))


def _tokens(formula: str) -> list[tuple[str, str]]:
    text, pos, out = formula.lstrip("=").strip(), 0, []
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise Unsupported(formula)
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def evaluate(formula: str, value_of) -> Decimal:
    """Evaluate a formula; value_of((row, column)) returns a Decimal, None for empty, or raises Unsupported."""
    tokens, pos = _tokens(formula), 0

    def peek():
        return tokens[pos] if pos < len(tokens) else (None, None)

    def take():
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def number(at) -> Decimal:
        value = value_of(at)
        return Decimal(0) if value is None else value

    def atom() -> Decimal:
        kind, text = take() if pos < len(tokens) else (None, None)
        if kind == "num":
            return Decimal(text)
        if kind == "ref":
            return number(_cell(text))
        if kind == "op" and text == "-":
            return -atom()
        if kind == "op" and text == "(":
            value = expression()
            if take() != ("op", ")"):
                raise Unsupported(formula)
            return value
        if kind == "func":
            total = Decimal(0)
            while True:
                k, t = take()
                if k == "range":
                    (r1, c1), (r2, c2) = (_cell(p) for p in t.split(":"))
                    if (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1) > MAX_RANGE_CELLS:
                        raise Unsupported(formula)
                    total += sum((number((r, c)) for r in range(min(r1, r2), max(r1, r2) + 1)
                                  for c in range(min(c1, c2), max(c1, c2) + 1)), Decimal(0))
                elif k == "ref":
                    total += number(_cell(t))
                elif k == "num":
                    total += Decimal(t)
                else:
                    raise Unsupported(formula)
                k, t = take() if pos < len(tokens) else (None, None)
                if t == ")":
                    return total
                if t != ",":
                    raise Unsupported(formula)
        raise Unsupported(formula)

    def term() -> Decimal:
        value = atom()
        while peek()[1] in ("*", "/"):
            op = take()[1]
            right = atom()
            try:
                value = value * right if op == "*" else value / right
            except (InvalidOperation, ZeroDivisionError) as exc:
                raise Unsupported(formula) from exc
        return value

    def expression() -> Decimal:
        value = term()
        while peek()[1] in ("+", "-"):
            op = take()[1]
            value = value + term() if op == "+" else value - term()
        return value

    result = expression()
    if pos != len(tokens):
        raise Unsupported(formula)
    return result
