"""CSV downloads that open cleanly in Excel and WPS and cannot smuggle in formulas."""
import csv
import io
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from flask import Response

BOM = "\ufeff"
# A spreadsheet treats a cell starting with these as a formula (or, for tab
# and CR, strips them and then sees the formula): CSV injection, OWASP.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """Return the cell as text, prefixed with an apostrophe when it could run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    # Numbers are written as numbers, so a negative amount stays a number.
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def to_csv(header: Sequence, rows: Iterable[Sequence]) -> str:
    """Serialise a header and rows to CSV text with a BOM, every cell neutralised."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in header])
    for row in rows:
        writer.writerow([neutralise(c) for c in row])
    return buffer.getvalue()


def csv_response(filename: str, header: Sequence, rows: Iterable[Sequence]) -> Response:
    """Answer a download of the table as UTF-8 CSV with a BOM."""
    response = Response(to_csv(header, rows).encode("utf-8"), mimetype="text/csv")
    response.charset = "utf-8"
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in filename)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def wants_csv(request) -> bool:
    """Tell whether the request asks for the CSV form of a view (`?format=csv`)."""
    return request.args.get("format") == "csv"
