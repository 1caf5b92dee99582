"""A real HTTP server speaking the cloud SMS ``SendSms`` shape, started by a test on a free port."""
import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote

SECRET = "test-secret-不公开"
KEY_ID = "LTAI-test-key"


def _enc(value: str) -> str:
    return quote(value, safe="~")


def expected_signature(params: dict) -> str:
    """Recompute the signature the way the gateway checks it (HMAC-SHA1, signature version 1.0)."""
    fields = {k: v for k, v in params.items() if k != "Signature"}
    canonical = "&".join(f"{_enc(k)}={_enc(v)}" for k, v in sorted(fields.items()))
    to_sign = "POST&%2F&" + _enc(canonical)
    return base64.b64encode(hmac.new(f"{SECRET}&".encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


class SmsGatewayServer:
    """Records every request; answers OK, or with the codes queued in ``answers`` (then OK)."""

    def __init__(self, delay: float = 0.0, silent: bool = False):
        self.requests: list[dict] = []
        self.answers: list[tuple[int, dict]] = []
        self.delay, self.silent = delay, silent
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output clean
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                params = dict(parse_qsl(self.rfile.read(length).decode("utf-8"), keep_blank_values=True))
                if outer.silent:
                    time.sleep(5)
                    return
                time.sleep(outer.delay)
                with outer.lock:
                    outer.requests.append(params)
                    status, answer = outer.answers.pop(0) if outer.answers else (200, None)
                if answer is None:
                    valid = params.get("Signature") == expected_signature(params)
                    status, answer = (200, {"Code": "OK", "Message": "OK", "BizId": f"biz{len(outer.requests)}"}) \
                        if valid else (400, {"Code": "SignatureDoesNotMatch", "Message": "bad signature"})
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def config(self, **more) -> dict:
        return {"SMS_PROVIDER": "http", "SMS_API_URL": self.url, "SMS_ACCESS_KEY_ID": KEY_ID,
                "SMS_ACCESS_KEY_SECRET": SECRET, "SMS_SIGN_NAME": "阳光村务", "SMS_TEMPLATE_CASE_UPDATE": "SMS_100001",
                "SMS_TEMPLATE_CASE_QUESTION": "SMS_100002", "SMS_TIMEOUT": 2, **more}

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
