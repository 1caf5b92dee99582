"""Steps of the production-stack journeys: sign-in with a second factor, publishing, node tracking."""
import re
import time

from browser.support import DEMO_PASSWORD, ok, submit
from browser.test_journeys import _go
from browser.test_journeys import publish_notice as browser_publish_notice

from stack.conftest import NODE_HEADER

# username → [TOTP secret, last time step used]: each code is accepted once, so never reuse a step.
ENROLLED: dict[str, list] = {}


def _password_step(page, username: str) -> None:
    ok(page.goto("/auth/login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    submit(page)
    assert "表单已过期" not in page.inner_text("body"), "the sign-in form was refused as expired (CSRF/Referer)"


def _code_at(secret: str, step: int) -> str:
    import pyotp

    return pyotp.TOTP(secret).at(step * 30)


def enrol_second_factor(page, username: str, shots=None) -> None:
    """Signed in with the password only: turn on TOTP from /auth/2fa with an authenticator (pyotp)."""
    ok(page.goto("/auth/2fa"))
    secret = re.sub(r"\s", "", page.locator("main p.chain").inner_text())
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    if shots:
        shots(page, "2fa-setup")
    step = int(time.time()) // 30
    page.fill("input[name=code]", _code_at(secret, step))
    submit(page)
    assert "表单已过期" not in page.inner_text("body")
    assert page.locator("main ol.codes li").count() >= 5, "recovery codes are shown after enrolment"
    if shots:
        shots(page, "2fa-recovery-codes")
    ENROLLED[username] = [secret, step]


def sign_in_with_second_factor(page, username: str, shots=None) -> None:
    """Password, then a fresh 6-digit code; enrol first if this account has no second factor yet."""
    _password_step(page, username)
    if username not in ENROLLED:
        assert "/auth/login" not in page.url, page.inner_text("main")[:300]
        enrol_second_factor(page, username, shots)
        page.context.clear_cookies()
        _password_step(page, username)
    code_field = page.locator("input[name=code]")
    assert code_field.count() == 1, "after the password the portal asks for the second factor"
    if shots:
        shots(page, "2fa-code")
    secret, last = ENROLLED[username]
    step = max(int(time.time()) // 30, last + 1)
    while step > int(time.time()) // 30 + 1:  # one step of drift is accepted; wait for the next otherwise
        time.sleep(1)
    code_field.fill(_code_at(secret, step))
    submit(page)
    ENROLLED[username][1] = step
    assert "/auth/login" not in page.url, f"second factor refused: {page.inner_text('main')[:300]}"


def publish_notice(cadre, shots, mode: str) -> tuple[str, str]:
    """The browser journey's notice, published through the stack."""
    return browser_publish_notice(cadre, shots, mode, "村委会定于3月15日维修村道路灯，费用 1200 元，由村集体承担。")


def correct_notice(cadre, shots, disclosure_id: str, new_title: str) -> None:
    """Correct the notice (new title and amount) with a reason, preview the change, publish it."""
    _go(cadre, cadre.locator(f"main a[href$='/publish/disclosures/{disclosure_id}/edit']"))
    cadre.fill("#title", new_title)
    cadre.fill("#reason", "费用写错，应为 1500 元")
    cadre.fill("#markdown", "村委会定于3月15日维修村道路灯，费用 1500 元，由村集体承担。")
    shots(cadre, "correction-form")
    submit(cadre)
    assert "1500" in cadre.inner_text("main") and "1200" in cadre.inner_text("main")
    shots(cadre, "correction-preview")
    submit(cadre, button="main form[action$='/publish'] button")
    shots(cadre, "corrected")


class NodeWatch:
    """Remember which node answered each form post (nginx names it in a test-only header)."""

    def __init__(self, page, stack):
        self.stack = stack
        self.posts: list[tuple[str, str, int]] = []  # (node, path, status)
        page.on("response", self._seen)

    def _seen(self, response) -> None:
        if response.request.method == "POST" and response.url.startswith(self.stack.base):
            node = self.stack.node_name(response.headers.get(NODE_HEADER.lower(), ""))
            self.posts.append((node, response.url[len(self.stack.base):], response.status))

    def last_post(self, path_part: str) -> str:
        found = [node for node, path, _ in self.posts if path_part in path]
        assert found, f"no POST to {path_part} seen: {self.posts}"
        return found[-1]


def node_of(stack, response) -> str:
    return stack.node_name(response.headers.get(NODE_HEADER.lower(), ""))
