"""The handler's and the resident's steps of one complaint, as both the local and the HTTPS journeys walk them."""
from browser.support import no_server_error, ok, submit

QUESTION = "请问鱼塘承包合同是哪一年签订的？"
ANSWER = "合同是2023年签的，期限十年。"
REPLY = "经核查，鱼塘承包未经村民代表会议表决，已责令重新公开招标。"


def case_action(page, action: str, fill=None) -> None:
    """Send one action of the case page: the next step stands open, the others are <details> (no script needed)."""
    box = page.locator(f"main details:has(input[name=action][value={action}]), "
                       f"main section.primary-action:has(input[name=action][value={action}])")
    if box.evaluate("e => e.tagName") == "DETAILS" and box.get_attribute("open") is None:
        box.locator("summary").click()
    if fill:
        fill(box)
    with page.expect_navigation() as navigation:
        box.locator("button[type=submit]").click()
    no_server_error(navigation.value)
    assert page.locator(".error-summary, p.error").count() == 0, page.inner_text("main")[:500]


def resident_view(page, receipt: str) -> str:
    """What the resident reads on the tracking page after giving the receipt."""
    ok(page.goto("/complaints/track"))
    if page.locator("#receipt").count():
        page.fill("#receipt", receipt)
        submit(page)
    return page.inner_text("main")


def ask_answer_conclude(handler, resident, receipt: str, shots) -> None:
    """Accept the open case, ask the resident a question, read the answer, start and conclude with a reply.

    Ends on the review page: concluding cannot be undone, so the handler reads the reply as the resident
    will before confirming; the caller confirms.
    """
    case_action(handler, "accept")
    shots(handler, "accepted")
    case_action(handler, "question", lambda box: box.locator("textarea").fill(QUESTION))
    shots(handler, "asked")

    assert QUESTION in resident_view(resident, receipt)
    shots(resident, "resident-sees-question")
    resident.fill("#answer-body", ANSWER)
    submit(resident, button="main form[action$='/complaints/track/answer'] button")
    assert ANSWER in resident.inner_text("main")
    shots(resident, "resident-answered")

    handler.reload()
    assert ANSWER in handler.inner_text("main"), "the handler sees the answer"
    case_action(handler, "start")

    def conclude(box):
        box.locator("input[name=finding][value=true]").check()
        box.locator("input[name=disposal_mode][value=talk_inquiry]").check()
        box.locator("textarea[name=reply]").fill(REPLY)

    assert handler.locator("section.primary-action input[name=action][value=conclude]").count() == 1
    case_action(handler, "conclude", conclude)
    assert REPLY in handler.inner_text("main .review"), "the handler sees the reply as the resident will"
    shots(handler, "review-before-concluding")
