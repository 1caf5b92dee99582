"""Shared helpers of the browser tests: availability check, screenshots, sign-in, form filling."""
import importlib.util
import json
import os
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "demo-password-2025"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _missing() -> str:
    if not os.access(CHROMIUM, os.X_OK):
        return "chromium not installed"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright Python package is not installed"
    return ""


BROWSER_MISSING = _missing()


def require_browser() -> None:
    """Skip the calling test module, loudly, when Chromium or Playwright is missing.

    A developer machine without Chromium may skip (the issue asks for a clear
    message); CI installs it in .ci/run, so there a missing browser is a failure.
    """
    if BROWSER_MISSING:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {BROWSER_MISSING}", pytrace=False)
        print(f"browser tests skipped: {BROWSER_MISSING}")
        pytest.skip(f"browser tests skipped: {BROWSER_MISSING}", allow_module_level=True)


class Shots:
    """Number and save the screenshots of one journey: test-artifacts/screenshots/<journey>/NN-step.png."""

    def __init__(self, journey: str):
        self.folder = ARTIFACTS / "screenshots" / journey
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.count = 0

    def __call__(self, page, step: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


def ok(response) -> None:
    """Fail with the page's status when a navigation did not succeed."""
    assert response is not None and response.status < 400, f"{response and response.url}: {response and response.status}"


def submit(page, form_selector: str = "main form", button: str | None = None):
    """Press a form's submit button the way a person does and wait for the next page."""
    target = page.locator(button) if button else page.locator(f"{form_selector} button[type=submit], "
                                                               f"{form_selector} input[type=submit]").last
    with page.expect_navigation() as navigation:
        target.click()
    no_server_error(navigation.value)


def click(page, locator) -> None:
    """Click the first match of a link or button and wait for the page it leads to."""
    with page.expect_navigation() as navigation:
        locator.first.click()
    no_server_error(navigation.value)


def fits(page) -> None:
    """Nothing scrolls sideways: wide tables scroll inside their own box."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{page.url} is {overflow}px wider than the screen"


def no_server_error(response) -> None:
    """A rejected form may answer 400; a crash (5xx) fails the journey at once."""
    if response is not None:
        assert response.status < 500, f"server error {response.status} at {response.url}"


def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form; answer a TOTP prompt if the portal asks for one."""
    ok(page.goto("/auth/login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    submit(page)
    if page.locator("input[name=code], input[name=otp], input[name=totp]").count():
        _answer_totp(page, username)
    assert "/auth/login" not in page.url, f"sign-in as {username} failed: {page.inner_text('main')[:300]}"


def _answer_totp(page, username: str) -> None:
    import pyotp

    secret = _totp_secret(page, username)
    field = page.locator("input[name=code], input[name=otp], input[name=totp]").first
    field.fill(pyotp.TOTP(secret).now())
    submit(page)


_SECRETS: dict[str, str] = {}
_BASE32 = re.compile(r"\b[A-Z2-7]{16,}\b")


def _totp_secret(page, username: str) -> str:
    """Find the enrolment secret shown on the page (first sign-in) or remembered from it."""
    found = _BASE32.search(page.inner_text("main"))
    if found:
        _SECRETS[username] = found.group(0)
    assert username in _SECRETS, "login asks for a code but shows no enrolment secret"
    return _SECRETS[username]


def sign_out(page) -> None:
    """Sign out through the form in the page (or the logout page) so the next user starts clean."""
    page.context.clear_cookies()


def write_metrics(name: str, values: dict) -> None:
    """Merge measured values into test-artifacts/browser-metrics.json."""
    path = ARTIFACTS / "browser-metrics.json"
    ARTIFACTS.mkdir(exist_ok=True)
    data = json.loads(path.read_text()) if path.exists() else {}
    data[name] = values
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False))
