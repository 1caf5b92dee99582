"""The village page on a slow phone: bytes over the wire and first contentful paint."""
import pytest

from browser.support import require_browser, write_metrics

require_browser()

from demo_ids import VILLAGE

pytestmark = pytest.mark.browser
BUDGET_BYTES = 25 * 1024
# "Slow 3G"-like: 400 ms round trip, 400 kbit/s each way; a cheap phone's CPU: 4× slower.
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
CPU_SLOWDOWN = 4


def _measure(context, path: str) -> dict:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    urls, sizes, decoded = {}, {}, {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    cdp.on("Network.dataReceived",
           lambda e: decoded.__setitem__(e["requestId"], decoded.get(e["requestId"], 0) + e["dataLength"]))
    response = page.goto(path, wait_until="load", timeout=60_000)
    assert response.status == 200
    page.wait_for_function("performance.getEntriesByName('first-contentful-paint').length > 0", timeout=30_000)
    fcp = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
    page.wait_for_timeout(200)  # let the last loadingFinished event arrive
    resources = {urls.get(rid, rid).split("://", 1)[-1].split("/", 1)[-1]: size for rid, size in sizes.items()}
    cdp.detach()
    page.close()
    return {"transferred_bytes": int(sum(resources.values())), "uncompressed_bytes": int(sum(decoded.values())),
            "fcp_ms": round(fcp),
            "resources": {f"/{k}": int(v) for k, v in resources.items()},
            "conditions": {"latency_ms": 400, "down_kbit_s": 400, "up_kbit_s": 400, "cpu_slowdown": CPU_SLOWDOWN}}


def test_village_page_is_small_and_paints_early_on_slow_3g(new_context):
    context = new_context(js=True)  # JavaScript only to read the paint timing; the page itself has none
    metrics = _measure(context, f"/villages/{VILLAGE}")
    write_metrics("village_page", metrics)
    kb = metrics["transferred_bytes"] / 1024
    print(f"\nvillage page: {kb:.1f} KB transferred ({metrics['uncompressed_bytes'] / 1024:.1f} KB uncompressed), "
          f"FCP {metrics['fcp_ms']} ms (Slow 3G 400 ms/400 kbit/s, CPU 4x) {metrics['resources']}")
    assert metrics["transferred_bytes"] < BUDGET_BYTES, metrics
    assert len(metrics["resources"]) <= 3, f"the village page should need only HTML and CSS: {metrics['resources']}"
