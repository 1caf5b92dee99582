"""The dashboard separates what is open and overdue today from what was received in the period; empty
months fold away; decision-procedure breaches are counted per township and village."""
import re
from datetime import date

from demo_ids import VILLAGE
from disclosures.support import disclosure_id_of, new_disclosure, publish
from disclosures.test_disclosure_decision import META, record

from oversight.test_dashboard import PERIOD, cases  # noqa: F401  (the hand-computed cases)
from portal.core.timezone import local_today
from portal.oversight import procedure


def _figure(page: str, ident: str) -> int:
    return int(re.search(rf'id="{ident}"[^>]*>(\d+)<', page).group(1))


def test_open_and_overdue_now_do_not_depend_on_the_period(client, as_user, cases):  # noqa: F811
    as_user("county_handler")
    client.set_cookie("lang", "en")
    whole = client.get("/oversight/", query_string=PERIOD).get_data(as_text=True)
    # Open today: C5 (in progress, overdue), C6 (received, running) and the December case (overdue).
    assert (_figure(whole, "n-open-now"), _figure(whole, "n-overdue-now")) == (3, 2)
    june = client.get("/oversight/", query_string={"from": "2025-06-01", "to": "2025-06-30"}).get_data(as_text=True)
    assert (_figure(june, "n-open-now"), _figure(june, "n-overdue-now")) == (3, 2)
    assert _figure(june, "n-overdue") == 0  # received in June, none has missed a deadline yet
    assert whole.index('id="n-open-now"') < whole.index('id="n-received"')


def test_months_without_complaints_are_folded(client, as_user, cases):  # noqa: F811
    as_user("county_handler")
    client.set_cookie("lang", "en")
    page = client.get("/oversight/", query_string=PERIOD).get_data(as_text=True)
    table = page.split("<caption>Complaints by month</caption>", 1)[1].split("</table>", 1)[0]
    assert table.count("<tr data-key=") == 5 and 'data-key="2025-04"' not in table
    assert "1 months without complaints" in page or "1 month without complaints" in page


def test_decision_breaches_are_counted_per_township_and_village(ctx, client, forms, login_as, as_user):
    as_user("cadre_shangtang")
    client.set_cookie("lang", "en")
    bad = record(**{"representatives-present": "20", "representatives-votes_for": "12",
                    "resolution_disclosure-posted_until": "2025-04-18"})
    publish(forms, disclosure_id_of(new_disclosure(forms, "decision", bad, meta=META)))
    publish(forms, disclosure_id_of(new_disclosure(forms, "decision", record(), meta=META)))
    townships, villages = procedure.breaches(date(2000, 1, 1), date(2100, 1, 1))
    shangtang = next(v for v in villages if v.code == VILLAGE)
    assert shangtang.tally.with_breaches == 1 and shangtang.tally.quorum >= 1 and shangtang.tally.posting >= 1
    assert shangtang.tally.decisions >= 2
    assert sum(t.tally.decisions for t in townships) >= 2
    as_user("county_admin")
    today = local_today().isoformat()  # the county's date, not the test machine's: they differ near midnight
    page = client.get("/oversight/", query_string={"from": today[:7] + "-01", "to": today}).get_data(as_text=True)
    section = page.split('id="breach-h"', 1)[1].split("</section>", 1)[0]
    assert f'data-key="{VILLAGE}"' in section and "上塘村" in section
