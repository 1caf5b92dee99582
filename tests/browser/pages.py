"""Which pages the browser tests visit: public pages from the demo data, staff pages by crawling."""
import re
from urllib.parse import urlsplit

import sqlalchemy as sa
from demo_ids import FAR_VILLAGE, TOWNSHIP, VILLAGE

# Links that change state or leave HTML: never followed by the crawler.
SKIP_LINK = re.compile(r"(logout|/lang/|/display/|\.(csv|atom|svg|json|xlsx|pdf|png|jpe?g)(\?|$)|/files/|/export"
                       r"|/download|/poster|/feed|[?&]format=)", re.IGNORECASE)


def public_pages(database_url: str) -> dict[str, str]:
    """Name → path of every kind of public page, with ids looked up in the demo database."""
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        item = conn.execute(sa.text(
            "SELECT p.id FROM power_item p JOIN village v ON v.id = p.village_id WHERE v.code = :c ORDER BY p.id"
        ), {"c": VILLAGE}).scalar()
        disclosures = conn.execute(sa.text(
            "SELECT d.kind, v.code, d.id FROM disclosure d JOIN village v ON v.id = d.village_id "
            "WHERE d.status = 'published' ORDER BY d.id")).all()
        report = conn.execute(sa.text(
            "SELECT v.code, r.id FROM duty_report r JOIN village v ON v.id = r.village_id "
            "WHERE r.status = 'published' ORDER BY r.id")).first()
    engine.dispose()
    pages = {
        "home": "/",
        "search results": "/?q=stc",
        "search without match": "/?q=zzzz",
        "township": f"/townships/{TOWNSHIP}",
        "village": f"/villages/{VILLAGE}",
        "power list": f"/villages/{VILLAGE}/powers",
        "disclosure archive": f"/villages/{VILLAGE}/disclosures",
        "power item": f"/villages/{VILLAGE}/powers/{item}",
        "duty report": f"/villages/{report[0]}/reports/{report[1]}",
        "not found": "/villages/000000000000",
        "public record": f"/villages/{VILLAGE}/record",
        "notice-board poster": f"/villages/{VILLAGE}/poster",
        "ballot": "/ballot",
        "top ten poll": f"/townships/{TOWNSHIP}/top-ten",
        "top ten proposal": f"/townships/{TOWNSHIP}/top-ten/propose",
        "public figures": "/statistics",
        "public figures of a township": f"/statistics?township={TOWNSHIP}",
        "disclosure search": "/disclosures/search?q=补贴发放",
        "disclosure search, two characters": "/disclosures/search?q=补贴",
        "household letter": f"/villages/{FAR_VILLAGE}/letter",
        "subsidy self-check": "/subsidies/check",
    }
    for kind, code, disclosure_id in disclosures:
        pages.setdefault(f"disclosure ({kind})", f"/villages/{code}/disclosures/{disclosure_id}")
    return pages


def route_key(path: str) -> str:
    """Collapse ids so the crawler visits one page per route, not every case or item."""
    return re.sub(r"\d+", "#", urlsplit(path).path)


def staff_links(page, prefix: str) -> list[str]:
    """Same-site links inside <main> (and the header's staff menu) under an area prefix."""
    hrefs = page.eval_on_selector_all(
        "main a[href], header a[href]", "els => els.map(e => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        parts = urlsplit(href or "")
        if parts.scheme or parts.netloc or not parts.path.startswith(prefix) or SKIP_LINK.search(href):
            continue
        found.append(href.split("#", 1)[0])
    return found


def crawl(page, start: str, prefix: str, visit, limit: int = 12) -> tuple[list[str], list[str]]:
    """Breadth-first walk of an area's pages, calling visit(page, path) on each.

    Return the paths visited and those that answered with a server error.
    """
    queue, seen, visited, broken = [start], set(), [], []
    while queue and len(visited) < limit:
        path = queue.pop(0)
        key = route_key(path) + ("?" if "?" in path else "")
        if key in seen:
            continue
        seen.add(key)
        response = page.goto(path)
        if response is not None and response.status >= 500:
            broken.append(f"{path}: {response.status}")
        if response is None or response.status >= 400 or not urlsplit(page.url).path.startswith(prefix):
            continue
        visit(page, path)
        visited.append(path)
        queue.extend(staff_links(page, prefix))
    return visited, broken


def correct_widest_table(database_url: str) -> tuple[str, int]:
    """Publish a correction of the demo's widest table (the subsidy list); return (village code, disclosure id).

    Done in-process through the publishing services, as a cadre would through the workspace,
    so the narrow-screen test can read the "what changed" page of a real correction.
    """
    from portal import create_app
    from portal.accounts.models import User
    from portal.core.db import write_transaction
    from portal.disclosures import drafting
    from portal.disclosures.models import Disclosure
    from portal.extensions import db

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        disclosure = max(db.session.scalars(sa.select(Disclosure).where(Disclosure.status == "published",
                                                                        Disclosure.kind == "table")),
                         key=lambda d: len(d.current_revision.content.get("columns") or []))
        code = disclosure.village.code
        if disclosure.revision_count < 2:
            content = dict(disclosure.current_revision.content)
            rows = [list(r) for r in content["rows"]]
            columns = content["columns"]
            area = next((i for i, c in enumerate(columns) if "面积" in c), 1)
            amount = next((i for i, c in enumerate(columns) if "金额" in c), -1)
            rows[1][area], rows[1][amount] = "4.31亩", "467.64"
            content["rows"] = rows
            user = db.session.scalar(sa.select(User).where(User.village_id == disclosure.village_id,
                                                          User.role == "village_cadre"))
            with write_transaction():
                drafting.save_draft(disclosure, user, drafting.meta_of(disclosure), content,
                                    reason="丈量面积有误，按复核结果更正")
                drafting.publish_draft(disclosure, user)
        disclosure_id = disclosure.id
        db.session.remove()
        db.engine.dispose()
    return code, disclosure_id
