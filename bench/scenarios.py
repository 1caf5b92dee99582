"""The benchmark scenarios: what each one requests and which status counts as served."""
import gzip
import json
import random
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import quote

from bench.load import Request

NAMES = ("hello", "nginx_file", "village_warm", "village_cold", "power_item", "disclosure_archive",
         "search_chinese", "search_pinyin", "search_initials", "search_disclosures", "api_list", "revalidate",
         "intake", "intake_2nodes")
WARM_PAGES = 20
COLD_WARMUP = 40  # cold pages rendered before village_cold's measured walk: ~8 per worker
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


@dataclass
class Plan:
    """What a scenario sends; `skip` explains why it cannot run on this server or size."""

    requests: list[Request] = field(default_factory=list)
    expected: int = 200
    once: bool = False  # every request at most once (pages never rendered before)
    warmup: float = 1  # seconds of load before the measured run
    skip: str | None = None
    # With `once`: pages sent once each before the measured walk and not counted, so every worker has
    # compiled its templates and loaded its catalogues (as after any other scenario) before it is measured.
    warmup_requests: list[Request] = field(default_factory=list)


def fetch(base: str, r: Request, timeout: float = 30) -> tuple[int, dict, bytes]:
    """Send one request; return (status, headers, body)."""
    req = urllib.request.Request(base + r.path, data=r.body.encode() if r.body else None, method=r.method,
                                 headers=r.headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _intake_bodies(meta: dict, count: int = 500) -> list[Request]:
    rng = random.Random(7)
    categories = meta.get("categories") or ["collective_assets"]
    bodies = []
    for i in range(count):
        body = {"village": rng.choice(meta["villages"]), "category": rng.choice(categories),
                "about": "村委会主任", "anonymous": True,
                "description": f"基准测试检举 {i}：村集体土地租金去向不明，账目未公开，请核查。"}
        bodies.append(Request("POST", "/api/v1/complaints", dict(JSON_HEADERS), json.dumps(body, ensure_ascii=False)))
    return bodies


def _search(terms: list[str]) -> Plan:
    return Plan([Request("GET", f"/?q={quote(term)}") for term in terms])


def build(name: str, base: str, meta: dict, backend: str) -> Plan:
    """Return the scenario's plan against the portal at base."""
    village = meta["villages"][0]
    if name in ("hello", "nginx_file"):
        # nginx_file is sent to nginx (see __main__), the same village pages stored as files.
        return Plan([Request("GET", "/_bench/hello")]) if name == "hello" else \
            Plan([Request("GET", f"/villages/{code}") for code in meta["villages"]])
    if name == "village_warm":
        # Few enough pages that the warm-up puts each in every worker's cache (or once in a shared one).
        return Plan([Request("GET", f"/villages/{code}") for code in meta["villages"][:WARM_PAGES]], warmup=3)
    if name == "village_cold":
        if not meta.get("cold_villages"):
            return Plan(skip="every village of this size is in the warm set: no page is left that was never rendered")
        walk = [Request("GET", f"/villages/{code}") for code in meta["cold_villages"]]
        return Plan(walk[COLD_WARMUP:], once=True, warmup_requests=walk[:COLD_WARMUP])
    if name == "power_item":
        return Plan([Request("GET", f"/villages/{code}/powers/{item}") for code, item in meta["power_items"]])
    if name == "disclosure_archive":
        if fetch(base, Request("GET", f"/villages/{village}/disclosures"))[0] == 404:
            return Plan(skip="the portal has no /villages/<code>/disclosures archive page")
        return Plan([Request("GET", f"/villages/{code}/disclosures") for code in meta["villages"]])
    if name == "search_chinese":
        return _search(meta["search_chinese"])
    if name == "search_pinyin":
        return _search(meta["search_pinyin"])
    if name == "search_initials":
        return _search(meta["search_initials"])
    if name == "search_disclosures":
        status, _h, body = fetch(base, Request("GET", f"/villages/{village}/disclosures?q=%E5%85%AC%E5%BC%80"))
        if status == 404:
            return Plan(skip="the portal has no search inside disclosures")
        return Plan([Request("GET", f"/villages/{code}/disclosures?q=%E5%85%AC%E5%BC%80") for code in meta["villages"]])
    if name == "api_list":
        return Plan([Request("GET", f"/api/v1/villages?page={page}", {"Accept": "application/json"})
                     for page in range(1, 21)])
    if name == "revalidate":
        plain = [Request("GET", f"/villages/{code}") for code in meta["villages"][:200]]
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda r: fetch(base, r), plain))
        return Plan([Request("GET", r.path, {"If-None-Match": headers["ETag"]})
                     for r, (status, headers, _b) in zip(plain, answers, strict=True)
                     if status == 200 and headers.get("ETag")],
                    304)
    if name == "intake":
        return Plan(_intake_bodies(meta), 201)
    if name == "intake_2nodes":
        if backend != "postgresql":
            return Plan(skip="two app nodes share one database only on PostgreSQL (set BENCH_PG_URL)")
        return Plan(_intake_bodies(meta), 201)
    raise ValueError(name)


def sizes(base: str, requests: list[Request], sample: int = 20) -> tuple[int, int]:
    """Average body size of the scenario's answers, as sent and gzipped as nginx would (level 5)."""
    picked = requests[:: max(len(requests) // sample, 1)][:sample]
    bodies = [fetch(base, r)[2] for r in picked]
    raw = sum(len(b) for b in bodies) // len(bodies)
    packed = sum(len(gzip.compress(b, 5)) if b else 0 for b in bodies) // len(bodies)
    return raw, packed


def track_all(base: str, receipts: list[str], workers: int = 8) -> int:
    """Track every acknowledged receipt; return how many the portal finds."""
    def found(receipt: str) -> bool:
        body = json.dumps({"receipt": receipt})
        return fetch(base, Request("POST", "/api/v1/complaints/track", dict(JSON_HEADERS), body))[0] == 200

    with ThreadPoolExecutor(workers) as pool:
        return sum(pool.map(found, receipts))
