"""Load generators: wrk with a Lua script when installed, a Python one otherwise."""
import http.client
import json
import re
import shutil
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

LUA = Path(__file__).with_name("latency.lua")
RECEIPT = re.compile(r'"receipt"\s*:\s*"([^"]+)"')


@dataclass
class Request:
    method: str
    path: str
    headers: dict = field(default_factory=dict)
    body: str | None = None


@dataclass
class Result:
    requests: int
    seconds: float
    matched: int
    mismatched: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    receipts: list[str]

    @property
    def rps(self) -> float:
        return self.matched / self.seconds if self.seconds else 0.0


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def _lua_requests(requests: list[Request]) -> str:
    parts = []
    for r in requests:
        headers = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in r.headers.items())
        body = _lua_string(r.body) if r.body is not None else "nil"
        parts.append(f"{{method = {_lua_string(r.method)}, path = {_lua_string(r.path)}, "
                     f"headers = {{{headers}}}, body = {body}}}")
    return "return {\n" + ",\n".join(parts) + "\n}\n"


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def run(base: str, requests: list[Request], expected: int, seconds: float, connections: int, workdir: Path,
        keep_receipts: bool = False) -> Result:
    """Send the requests round-robin at `connections` concurrent connections for `seconds`."""
    if have_wrk():
        return _run_wrk(base, requests, expected, seconds, connections, workdir, keep_receipts)
    return _run_python(base, requests, expected, seconds, connections, keep_receipts)


def _run_wrk(base, requests, expected, seconds, connections, workdir: Path, keep_receipts) -> Result:
    workdir.mkdir(parents=True, exist_ok=True)
    spec = workdir / "requests.lua"
    spec.write_text(_lua_requests(requests), encoding="utf-8")
    prefix = workdir / "receipts"
    for old in workdir.glob("receipts.*"):
        old.unlink()
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{max(int(seconds), 1)}s", "--timeout", "10s", "-s", str(LUA),
           base, "--", str(spec), str(expected), str(prefix) if keep_receipts else ""]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCHJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {done.stdout[-1000:]} {done.stderr[-1000:]}")
    data = json.loads(line.split(" ", 1)[1])
    receipts = []
    for path in sorted(workdir.glob("receipts.*")):
        receipts += [ln.strip() for ln in path.read_text().splitlines() if ln.strip()]
    return Result(data["requests"], data["duration_us"] / 1e6, data["matched"], data["mismatched"], data["errors"],
                  data["p50_us"] / 1000, data["p95_us"] / 1000, data["p99_us"] / 1000, receipts)


def _run_python(base, requests, expected, seconds, connections, keep_receipts) -> Result:
    """A threaded keep-alive client; slower than wrk, so its numbers are a lower bound."""
    host = urlsplit(base)
    latencies, receipts, counts = [], [], {"matched": 0, "mismatched": 0, "errors": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(offset: int):
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        i = offset
        mine, got = [], {"matched": 0, "mismatched": 0, "errors": 0}
        while time.monotonic() < deadline:
            r = requests[i % len(requests)]
            i += 1
            start = time.perf_counter()
            try:
                conn.request(r.method, r.path, body=r.body.encode() if r.body else None, headers=r.headers)
                resp = conn.getresponse()
                body = resp.read()
            except (OSError, http.client.HTTPException):
                got["errors"] += 1
                conn.close()
                conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
                continue
            mine.append(time.perf_counter() - start)
            if resp.status == expected:
                got["matched"] += 1
                if keep_receipts and (m := RECEIPT.search(body.decode(errors="replace"))):
                    with lock:
                        receipts.append(m.group(1))
            else:
                got["mismatched"] += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for k, v in got.items():
                counts[k] += v

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(n * 7919,)) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [0.0] * 99
    return Result(len(latencies), elapsed, counts["matched"], counts["mismatched"], counts["errors"],
                  cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000, receipts)
