"""Helpers for the sign-in tests: read pages, set up two-step verification like a user."""
import re
import time

import pyotp
import pytest
from conftest import csrf_from

SECRET_RE = re.compile(r'<p class="chain">([A-Z2-7 ]+)</p>')
CODE_RE = re.compile(r'<li class="chain">([a-z0-9-]+)</li>')


def text(response) -> str:
    return response.get_data(as_text=True)


def error_summary(html: str) -> str:
    """The error box at the top of a form page."""
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    return match.group(0) if match else ""


def code_for(secret: str, steps_ahead: int = 0) -> str:
    """The TOTP code an authenticator app shows now (or a step later)."""
    totp = pyotp.TOTP(secret)
    return totp.at(time.time() + steps_ahead * totp.interval)


class TwoFactor:
    def __init__(self, client):
        self.client = client

    def enrol(self) -> tuple[str, list[str]]:
        """Set up two-step verification for the signed-in user; return (secret, recovery codes)."""
        page = self.client.get("/auth/2fa")
        html = text(page)
        secret = SECRET_RE.search(html).group(1).replace(" ", "")
        done = self.client.post("/auth/2fa", data={"csrf_token": csrf_from(html), "code": code_for(secret)})
        assert done.status_code == 200
        codes = CODE_RE.findall(text(done))
        assert len(codes) == 10
        return secret, codes

    def answer(self, code: str):
        page = self.client.get("/auth/login/2fa")
        return self.client.post("/auth/login/2fa", data={"csrf_token": csrf_from(text(page)), "code": code})


@pytest.fixture
def two_factor(client):
    return TwoFactor(client)
