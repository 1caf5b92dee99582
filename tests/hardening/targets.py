"""Every POST form of the portal: who may use it, the state it needs, and a valid submission to spoil."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Callable

from flask import g
from sqlalchemy import select

from portal.extensions import db

from demo_ids import OTHER_TOWNSHIP, TOWNSHIP, VILLAGE

from .formkit import csrf_token, post_forms

CADRE, HANDLER, ADMIN, COUNTY = "cadre_shangtang", "handler_baishi", "county_admin", "county_handler"
DESCRIPTION = "村主任在村道工程中收受承包老板礼金两万元。"
TEXT_META = {"domain": "finance", "topic": "finance_monthly", "title": "上塘村2025年3月财务收支明细",
             "period_label": "2025年3月", "period_start": "2025-03-01", "period_end": "2025-03-31"}
SECTIONS = {"duties": "履行职责情况。", "powers_used": "用权情况。", "funds": "资金情况。", "integrity": "廉洁情况。",
            "complaints": "信访情况。", "shortcomings": "不足。", "plans": "计划。", "pledge": "承诺。"}


class Env:
    """The test client with sign-in and valid form posts, for setting up state."""

    def __init__(self, app, client, login_as):
        self.app, self.client, self._login_as = app, client, login_as

    def sign_in(self, username: str | None) -> None:
        g.pop("_login_user", None)  # Flask-Login caches the user in the test's app context
        if username is None:
            with self.client.session_transaction() as sess:
                sess.pop("_user_id", None)
        else:
            self._login_as(username)

    def submit(self, url: str, data: dict, page: str | None = None, **kwargs):
        """Post a valid form the way a browser does (token from the form page); fail loudly if refused."""
        token = csrf_token(self.client.get(page or url).get_data(as_text=True))
        response = self.client.post(url, data={"csrf_token": token, **data}, **kwargs)
        assert response.status_code in (200, 302, 303), (url, response.status_code,
                                                         response.get_data(as_text=True)[:3000])
        return response


@dataclass
class Target:
    endpoint: str
    role: str | None = None
    variant: str | None = None  # names one of several forms posting to the same URL
    pick: Callable | None = None  # (Form) -> bool: which of the page's forms for the URL is this one
    setup: Callable | None = None  # (env) -> url parameters and state, once per test
    page: Callable | None = None  # (env, state) -> (page url, html) holding the form; default: GET the URL
    prepare: Callable | None = None  # (env, state) before every example, after signing in
    valid: dict = field(default_factory=dict)  # a valid submission (overrides the page's defaults)
    # A 200 may be this form's success page: one matching this pattern ("" for any page without an error).
    success: str | None = None
    params: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.endpoint + (f"[{self.variant}]" if self.variant else "")


# ---- state ---------------------------------------------------------------------------------

def _user(username: str):
    from portal.accounts.models import User

    return db.session.scalar(select(User).where(User.username == username))


def hidden_is(name: str, value: str | None):
    return lambda form: form.hidden(name) == value


def complaint_state(status: str = "received", question: bool = False):
    def setup(env):
        from tests.complaints.conftest import advance, case_data

        from portal.complaints.handling import send_message
        from portal.complaints.intake import submit

        complaint, receipt = submit(case_data())
        if status != "received":
            advance(complaint, status, actor=_user(HANDLER))
        if question:
            send_message(complaint, _user(HANDLER), "请补充事发的具体日期。", question=True)
            db.session.commit()
        return {"case_number": complaint.case_number, "receipt": receipt}

    return setup


def reopen_case(env, state):
    """Enter the receipt again, so this browser may act on the case."""
    env.submit("/complaints/track", {"receipt": state["receipt"]})


def draft_disclosure(env):
    env.sign_in(CADRE)
    response = env.submit("/publish/disclosures/new/text", {**TEXT_META, "markdown": "本月收支明细如下。"})
    return {"disclosure_id": int(response.headers["Location"].rstrip("/").split("/")[-1])}


def draft_report(env):
    env.sign_in(CADRE)
    page = env.client.get("/publish/reports/new").get_data(as_text=True)
    cadre = page.split('name="cadre"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    response = env.submit("/publish/reports/new", {"cadre": cadre, "period": "2025", "title": "2025年度述责述廉报告",
                                                   **SECTIONS})
    return {"report_id": int(response.headers["Location"].rstrip("/").split("/")[-1])}


def first_power_item(env):
    from portal.places.models import Village
    from portal.powers.models import PowerItem

    village = db.session.scalar(select(Village).where(Village.code == VILLAGE))
    return {"item_id": db.session.scalar(select(PowerItem.id).where(PowerItem.village_id == village.id,
                                                                     PowerItem.retired_at.is_(None))
                                         .order_by(PowerItem.sort_order, PowerItem.id).offset(1))}


def new_template(env):
    from portal.powers.models import PowerTemplate

    env.sign_in(ADMIN)
    env.submit("/admin/templates/new", {"code": "QX-Z-99", "title": "测试事项", "category": "finance",
                                        "top_class": "collective", "steps": "村委会|受理|1日"})
    return {"template_id": db.session.scalar(select(PowerTemplate.id).where(PowerTemplate.code == "QX-Z-99"))}


def user_id(username: str, deactivate: bool = False, two_factor: bool = False):
    def setup(env):
        user = _user(username)
        if deactivate:
            user.is_active_flag = False
        if two_factor:
            enable_two_factor(user)
        db.session.commit()
        return {"user_id": user.id}

    return setup


def enable_two_factor(user):
    import pyotp

    from portal.accounts import two_factor as totp

    secret = totp.new_secret()
    totp.enable(user, secret, pyotp.TOTP(secret).now())


def two_factor_on(username: str):
    def setup(env):
        enable_two_factor(_user(username))
        db.session.commit()
        return {}

    return setup


def pending_second_factor(env, state):
    """Sign in with the password of an account with a second factor: the code is asked next."""
    from portal.accounts.throttle import PENDING_KEY
    from portal.demo.places_data import DEMO_PASSWORD

    with env.client.session_transaction() as sess:
        if sess.get(PENDING_KEY):
            return
    env.sign_in(None)
    env.submit("/auth/login", {"username": "handler_liutang", "password": DEMO_PASSWORD})


def holiday(env):
    env.sign_in(ADMIN)
    env.submit("/admin/holidays", {"day": "2030-01-02", "kind": "off", "note": "测试"})
    from portal.complaints.models import HolidayOverride

    return {"override_id": db.session.scalar(select(HolidayOverride.id))}


def evaluation_round(env):
    from portal.duty.models import EvaluationRound

    env.sign_in(HANDLER)
    page = f"/evaluation/villages/{VILLAGE}/new"
    form = post_forms(env.client.get(page).get_data(as_text=True), page)[0]
    reports = [f.value for f in form.fields if f.name == "reports"]
    closes = (datetime.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = env.submit(page, {"title": "测评", "reports": reports, "closes_at": closes, "voter_count": "40"})
    codes = [c.replace(" ", "") for c in _codes(response.get_data(as_text=True))]
    assert codes, response.get_data(as_text=True)[:3000]
    return {"round_id": db.session.scalar(select(EvaluationRound.id)), "codes": codes}


def _codes(html: str) -> list[str]:
    import re

    return re.findall(r'<span class="code">(\d{4} \d{4} \d{4})</span>', html)


def poll(phase: str):
    """A poll of 白石镇 standing in a phase, with a pending and an accepted proposal (and codes to vote)."""

    def setup(env):
        from portal.oversight import polls_service as service
        from portal.oversight.clock import local_today
        from portal.oversight.models import GrievancePoll, PollOption
        from portal.places.models import Township

        today = local_today()
        windows = {"proposals": (-1, 1, 5, 9), "voting": (-9, -5, -1, 1), "counting": (-9, -6, -4, -1)}
        if phase == "published":
            windows[phase] = windows["counting"]
        a, b, c, d = (today + timedelta(days=n) for n in windows[phase])
        township = db.session.scalar(select(Township).where(Township.code == TOWNSHIP))
        item = GrievancePoll(township_id=township.id, year=today.year, title="十件事", proposals_from=a,
                             proposals_until=b, voting_from=c, voting_until=d, created_by_id=_user(HANDLER).id)
        db.session.add(item)
        db.session.flush()
        accepted = [PollOption(poll_id=item.id, title=f"问题{i}", status="accepted") for i in range(3)]
        pending = PollOption(poll_id=item.id, title="待审问题", status="pending")
        db.session.add_all([*accepted, pending])
        db.session.flush()
        codes = service.issue_ballots(item, 40, c) if phase == "voting" else []
        if phase == "published":
            service.publish_results(item, today)
        db.session.commit()
        return {"poll_id": item.id, "option_id": (accepted[0] if phase == "published" else pending).id,
                "codes": codes, "code": TOWNSHIP}

    return setup


def code_page(url: str):
    """The second step of a ballot: post an unused real code, get the page to vote on."""

    def page(env, state):
        token = csrf_token(env.client.get(url).get_data(as_text=True))
        state["used"] = used = state.get("used", -1) + 1
        code = state["codes"][used % len(state["codes"])]
        return url, env.client.post(url, data={"csrf_token": token, "code": code}).get_data(as_text=True)

    return page


# ---- the targets ------------------------------------------------------------------------------

TARGETS = [
    # Public.
    Target("complaints.complaint_new", valid={"village": VILLAGE, "category": "integrity", "about": "村主任",
                                              "description": DESCRIPTION, "anonymous": "1"}),
    Target("complaints.track_show", setup=complaint_state(), valid={"receipt": "1234 5678 9012 3456 7890"}),
    Target("complaints.track_answer", setup=complaint_state(question=True), prepare=reopen_case,
           valid={"body": "事发于2025年3月1日。"}),
    Target("complaints.track_info", setup=complaint_state(), prepare=reopen_case, valid={"body": "补充情况说明。"}),
    Target("complaints.track_rate", setup=complaint_state("concluded"), prepare=reopen_case,
           valid={"rating": "satisfied"}),
    Target("complaints.track_review", setup=complaint_state("concluded"), prepare=reopen_case,
           valid={"body": "答复与事实不符，请求复查。"}),
    Target("complaints.track_leave", setup=complaint_state(), prepare=reopen_case),
    Target("evaluation.ballot", variant="code", setup=evaluation_round, valid={"code": "1234 5678 9012"},
           pick=hidden_is("step", None)),
    Target("evaluation.ballot", variant="vote", setup=evaluation_round, page=code_page("/ballot"), success="",
           pick=hidden_is("step", "vote")),
    Target("polls.proposal_new", setup=poll("proposals"), valid={"title": "村道路灯不亮", "detail": "已坏半年。"}),
    Target("polls.vote", variant="code", setup=poll("voting"), valid={"code": "1234 5678 9012"},
           pick=hidden_is("step", None)),
    Target("polls.vote", variant="vote", setup=poll("voting"), page=code_page(f"/townships/{TOWNSHIP}/top-ten/vote"),
           success="", pick=hidden_is("step", "vote")),
    Target("accounts.login", valid={"username": HANDLER, "password": "wrong-password-1"}),
    Target("accounts.login_two_factor", setup=two_factor_on("handler_liutang"), prepare=pending_second_factor,
           valid={"code": "123456"}),
    # Any signed-in staff member.
    Target("accounts.logout", role=CADRE),
    Target("accounts.password_change", role=CADRE, valid={"current_password": "wrong", "new_password": "Xy9-long-pass",
                                                          "confirm": "Xy9-long-pass"}),
    Target("accounts.two_factor", role=HANDLER, valid={"code": "123456"}, success=""),
    Target("accounts.two_factor_codes", role="handler_liutang", setup=two_factor_on("handler_liutang"),
           page=lambda env, st: ("/auth/2fa", env.client.get("/auth/2fa").get_data(as_text=True)),
           valid={"code": "123456"}, success=""),
    Target("accounts.two_factor_off", role="handler_liutang", setup=two_factor_on("handler_liutang"),
           page=lambda env, st: ("/auth/2fa", env.client.get("/auth/2fa").get_data(as_text=True)),
           valid={"password": "wrong"}),
    # The cadre's workspace.
    *[Target("publish.disclosure_new", role=CADRE, params={"kind": kind}, variant=kind, valid=TEXT_META)
      for kind in ("text", "table", "decision", "attachment")],
    Target("publish.disclosure_edit", role=CADRE, setup=draft_disclosure, valid=TEXT_META),
    Target("publish.disclosure_publish", role=CADRE, setup=draft_disclosure),
    Target("publish.disclosure_discard", role=CADRE, setup=draft_disclosure),
    Target("publish.report_new", role=CADRE, valid={"period": "2025", "title": "述责述廉报告", **SECTIONS}),
    Target("publish.report_edit", role=CADRE, setup=draft_report, valid={"title": "述责述廉报告", **SECTIONS}),
    Target("publish.report_publish", role=CADRE, setup=draft_report),
    Target("publish.report_discard", role=CADRE, setup=draft_report),
    Target("publish.power_new", role=CADRE, valid={"title": "新事项", "category": "finance", "steps": "村委会|受理|1日"}),
    Target("publish.power_edit", role=CADRE, setup=first_power_item),
    Target("publish.power_move", role=CADRE, setup=first_power_item),
    Target("publish.power_retire", role=CADRE, setup=first_power_item),
    Target("publish.power_adopt", role=CADRE, setup=new_template),
    Target("publish.powers_adopt_all", role=CADRE, setup=new_template),
    # Complaint handlers.
    *[Target("triage.case_act", role=HANDLER, variant=action, setup=complaint_state(status),
             pick=hidden_is("action", action))
      for action, status in [("accept", "received"), ("decline", "received"), ("transfer", "received"),
                             ("extend", "accepted"), ("question", "received"), ("message", "received"),
                             ("note", "received"), ("escalate", "received"), ("recuse", "received"),
                             ("start", "accepted"), ("conclude", "in_progress")]],
    Target("evaluation.round_new", role=HANDLER, params={"code": VILLAGE}, success='class="slip"'),
    Target("evaluation.round_close", role=HANDLER, setup=evaluation_round),
    Target("polls.poll_new", role=HANDLER, valid={"proposals_from": "2030-01-01", "proposals_until": "2030-01-10",
                                                  "voting_from": "2030-01-20", "voting_until": "2030-01-30"}),
    Target("polls.option_moderate", role=HANDLER, setup=poll("proposals")),
    Target("polls.ballots_issue", role=HANDLER, setup=poll("proposals"), valid={"count": "3"}, success='class="slip"'),
    Target("polls.results_publish", role=HANDLER, setup=poll("counting")),
    Target("polls.progress_post", role=HANDLER, setup=poll("published"), valid={"note": "已修复路灯。"}),
    # The county admin.
    Target("admin.account_new", role=ADMIN, valid={"username": "new.cadre", "display_name": "新村干部",
                                                   "role": "village_cadre", "village": VILLAGE}, success=""),
    Target("admin.account_edit", role=ADMIN, setup=user_id("cadre_xikou")),
    Target("admin.account_deactivate", role=ADMIN, setup=user_id("cadre_xikou")),
    Target("admin.account_reactivate", role=ADMIN, setup=user_id("cadre_xikou", deactivate=True)),
    Target("admin.account_password_reset", role=ADMIN, setup=user_id("cadre_xikou"), success=""),
    Target("admin.account_two_factor_reset", role=ADMIN, setup=user_id("handler_liutang", two_factor=True)),
    Target("admin.deadlines_edit", role=ADMIN),
    Target("admin.holiday_list", role=ADMIN, valid={"day": "2031-05-06", "kind": "off", "note": "调休"}),
    Target("admin.holiday_remove", role=ADMIN, setup=holiday),
    Target("admin.routing_edit", role=ADMIN, params={"scope": TOWNSHIP}),
    Target("admin.security_edit", role=ADMIN),
    Target("admin.template_new", role=ADMIN, valid={"code": "QX-Y-01", "title": "测试事项", "category": "finance",
                                                    "top_class": "collective", "steps": "村委会|受理|1日"}),
    Target("admin.template_edit", role=ADMIN, params={"template_id": 1}),
    Target("admin.township_new", role=ADMIN, valid={"code": "339901301", "name": "新乡"}),
    Target("admin.township_edit", role=ADMIN, params={"code": OTHER_TOWNSHIP}),
    Target("admin.village_new", role=ADMIN, params={"code": TOWNSHIP}, valid={"code": "339901101299", "name": "新村"}),
    Target("admin.village_edit", role=ADMIN, params={"code": VILLAGE}),
]
