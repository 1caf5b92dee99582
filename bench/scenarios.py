"""The benchmark scenarios: what each one requests and which status counts as served."""
import gzip
import json
import random
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

from bench.load import Request

NAMES = ("hello", "village", "power_item", "search", "api_list", "revalidate", "intake")
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


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


def build(name: str, base: str, meta: dict) -> tuple[list[Request], int]:
    """Return the scenario's requests and the status every answer must have."""
    if name == "hello":
        return [Request("GET", "/_bench/hello")], 200
    if name == "village":
        return [Request("GET", f"/villages/{code}") for code in meta["villages"]], 200
    if name == "power_item":
        return [Request("GET", f"/villages/{code}/powers/{item}") for code, item in meta["power_items"]], 200
    if name == "search":
        return [Request("GET", f"/?q={quote(term)}") for term in meta["search"]], 200
    if name == "api_list":
        return [Request("GET", f"/api/v1/villages?page={page}", {"Accept": "application/json"})
                for page in range(1, 21)], 200
    if name == "revalidate":
        plain = [Request("GET", f"/villages/{code}") for code in meta["villages"][:200]]
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda r: fetch(base, r), plain))
        return [Request("GET", r.path, {"If-None-Match": headers["ETag"]})
                for r, (status, headers, _b) in zip(plain, answers, strict=False)
                if status == 200 and headers.get("ETag")], 304
    if name == "intake":
        return _intake_bodies(meta), 201
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
