"""The dashboard's "open now / overdue now" and decision-breach tables keep the small-count threshold too."""
import re
from datetime import date

from demo_ids import TOWNSHIP, VILLAGE

from portal.core.timezone import local_today


def _row(body: str, caption: str, key: str) -> str:
    table = body.split(f"<caption>{caption}</caption>", 1)[1].split("</table>", 1)[0]
    return table.split(f'data-key="{key}"', 1)[1].split("</tr>", 1)[0]


def test_township_staff_see_small_now_counts_as_below_the_threshold(client, as_user, add_complaint):
    today = local_today()
    add_complaint(VILLAGE, status="in_progress", received=date(2025, 3, 3), accepted=date(2025, 3, 4))
    add_complaint(VILLAGE, status="received", received=today)
    add_complaint(VILLAGE, status="received", received=today, handling_level="county")  # not theirs to count
    client.set_cookie("lang", "en")
    as_user("handler_baishi")
    body = client.get("/oversight/").get_data(as_text=True)
    assert re.search(r'id="n-open-now">&lt;3<', body) and re.search(r'id="n-overdue-now"[^>]*>&lt;3<', body)
    as_user("county_handler")
    body = client.get("/oversight/").get_data(as_text=True)
    assert re.search(r'id="n-open-now">3<', body) and re.search(r'id="n-overdue-now"[^>]*>1<', body)


def test_township_staff_see_small_breach_counts_as_below_the_threshold(client, as_user):
    client.set_cookie("lang", "en")
    as_user("handler_baishi")
    row = _row(client.get("/oversight/").get_data(as_text=True), "Decision procedure breaches by township", TOWNSHIP)
    assert "&lt;3" in row and not re.search(r">[12]<", row)
    as_user("county_handler")
    row = _row(client.get("/oversight/").get_data(as_text=True), "Decision procedure breaches by township", TOWNSHIP)
    assert re.search(r'<td class="num">[12]</td>', row)
