"""Server-made SVG charts and the shared CSV export."""
import csv
import io
import xml.etree.ElementTree as ET

import pytest

from portal.core.exports import csv_response, neutralise, to_csv
from portal.oversight.charts import bar_chart, month_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_bar_chart_is_accessible_svg_with_the_numbers():
    markup = str(bar_chart("投诉 <按乡镇>", [("白石镇", 6), ("东山乡", 3), ("柳塘镇", 0)]))
    root = ET.fromstring(markup)
    assert root.get("role") == "img" and root.get("aria-label") == "投诉 <按乡镇>"
    assert root.find(f"{SVG}title").text == "投诉 <按乡镇>"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "白石镇" in texts and "6" in texts and "0" in texts
    assert "style=" not in markup and "<script" not in markup
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] > widths[1] > widths[2]


def test_month_chart_draws_a_bar_per_month_and_a_line():
    markup = str(month_chart("按月", ["2025-01", "2025-02", "2025-03"], [2, 0, 5], [1, 0, 4], "收到", "办结"))
    root = ET.fromstring(markup)
    assert root.get("role") == "img" and root.find(f"{SVG}title").text == "按月"
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert [b.find(f"{SVG}title").text for b in bars] == ["2025-01: 2", "2025-02: 0", "2025-03: 5"]
    assert len(root.find(f"{SVG}polyline").get("points").split()) == 3
    assert "style=" not in markup


def test_chart_labels_cannot_inject_markup():
    markup = str(bar_chart('"><script>x</script>', [("<img src=x onerror=alert(1)>", 1)]))
    assert "<script>" not in markup and "<img" not in markup
    ET.fromstring(markup)


@pytest.mark.parametrize("cell, expected", [
    ("=SUM(A1:A2)", "'=SUM(A1:A2)"), ("+86 138", "'+86 138"), ("-1+2", "'-1+2"), ("@cmd", "'@cmd"),
    ("\tTAB", "'\tTAB"), ("\rCR", "'\rCR"), ("普通文字", "普通文字"), ("a=b", "a=b"), (None, ""), (-5, "-5"),
    (12.5, "12.5"),
])
def test_cells_that_could_run_as_formulas_are_neutralised(cell, expected):
    assert neutralise(cell) == expected


def test_csv_starts_with_a_bom_and_round_trips(app):
    text = to_csv(["名称", "金额"], [["=HYPERLINK(\"http://x\")", "1,234.50"], ["上塘村", "-"]])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows == [["名称", "金额"], ["'=HYPERLINK(\"http://x\")", "1,234.50"], ["上塘村", "'-"]]
    with app.test_request_context():
        response = csv_response("上塘村 数据.csv", ["a"], [["b"]])
    assert response.mimetype == "text/csv" and response.charset == "utf-8"
    assert "filename*=UTF-8''%E4%B8%8A" in response.headers["Content-Disposition"]
    assert response.get_data().startswith(b"\xef\xbb\xbf")
