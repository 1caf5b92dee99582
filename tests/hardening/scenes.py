"""The state a form needs before it can be fuzzed: cases, drafts, polls, rounds, accounts, sign-ins."""
from datetime import datetime, timedelta

from demo_ids import TOWNSHIP, VILLAGE
from sqlalchemy import select

from hardening.formkit import csrf_token, post_forms
from portal.extensions import db

CADRE, HANDLER, ADMIN = "cadre_shangtang", "handler_baishi", "county_admin"
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


def _user(username: str):
    from portal.accounts.models import User

    return db.session.scalar(select(User).where(User.username == username))


def hidden_is(name: str, value: str | None):
    return lambda form: form.hidden(name) == value


def complaint_state(status: str = "received", question: bool = False, sms: bool = False):
    def setup(env):
        from portal.complaints.handling import send_message
        from portal.complaints.intake import submit
        from tests.complaints.conftest import advance, case_data

        named = {"anonymous": "0", "contact_name": "王小明", "contact_phone": "13812345678", "notify_sms": "1"}
        complaint, receipt = submit(case_data(**(named if sms else {})))
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


def pending_update(env):
    """The demo county's revised item waiting in the cadre's village."""
    from portal.places.models import Village
    from portal.powers.models import PowerUpdate

    village = db.session.scalar(select(Village).where(Village.code == VILLAGE))
    return {"update_id": db.session.scalar(select(PowerUpdate.id).where(PowerUpdate.village_id == village.id,
                                                                         PowerUpdate.status == "pending"))}


def update_waiting(env, state):
    """Answering takes the update off the list: put it back before each try."""
    from portal.powers.models import PowerUpdate

    update = db.session.get(PowerUpdate, state["update_id"])
    update.status, update.reason = "pending", None
    db.session.commit()


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
    newest = db.session.scalar(select(EvaluationRound.id).order_by(EvaluationRound.id.desc()))
    return {"round_id": newest, "codes": codes}


def _codes(html: str) -> list[str]:
    import re

    return re.findall(r'<span class="code">(\d{4} \d{4} \d{4})</span>', html)


def poll(phase: str):
    """A poll of 白石镇 standing in a phase, with a pending and an accepted proposal (and codes to vote)."""

    def setup(env):
        from portal.core.timezone import local_today
        from portal.places.models import Township
        from portal.polls import service
        from portal.polls.models import GrievancePoll, PollOption

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


def raw_revision(env):
    """A notice published with a mobile number before free text was masked (written straight to the chain)."""
    from portal.accounts.models import User
    from portal.disclosures.models import Disclosure
    from portal.places.models import Village
    from portal.records import service as records

    village = db.session.scalar(select(Village).where(Village.code == VILLAGE))
    cadre = db.session.scalar(select(User).where(User.username == CADRE))
    disclosure = Disclosure(village=village, village_id=village.id, domain="village", kind="text", topic="other",
                            title="说明", created_by_id=cadre.id)
    db.session.add(disclosure)
    db.session.flush()
    text = "联系人电话 13812345678"
    revision = records.publish(disclosure, subject_type="disclosure", content={"kind": "text", "markdown": text,
                                                                              "html": f"<p>{text}</p>"},
                               title="说明", reason=None, user_id=cadre.id)
    db.session.commit()
    return {"revision_id": revision.id}


def one_page_form(env, state):
    """The whole complaint form on one page (it posts to /complaints/new like scripts do)."""
    url = f"/complaints/new?all=1&village={VILLAGE}"
    return url, env.client.get(url).get_data(as_text=True)


def complaint_begun(step: str):
    """Open the stepwise form from the poster's link; the page of one question."""
    def _setup(env):
        env.client.get(f"/complaints/new?village={VILLAGE}")
        return {"step": step}
    return _setup


def complaint_ready(env):
    complaint_answered(env, {})
    return {}


def complaint_answered(env, state):
    """Answer every question, so only sending is left."""
    env.client.get(f"/complaints/new?village={VILLAGE}")
    for step, data in (("what", {"description": DESCRIPTION}), ("who", {"about": "村主任"}),
                       ("kind", {"category": "integrity"}), ("name", {"anonymous": "1"})):
        env.submit(f"/complaints/new/{step}", data)


def receipt_kept(env, state):
    """File a complaint through the form so this browser keeps its receipt."""
    complaint_answered(env, state)
    env.submit("/complaints/new/check", {})


def page_at(path: str):
    """The form's page is another route of the same URL (GET shows it, POST answers it)."""
    return lambda env, state: (path, env.client.get(path).get_data(as_text=True))


def dead_sms(env):
    """A text message the gateway never took, on the county admin's mail page."""
    from portal.core.crypto import encrypt_text
    from portal.core.db import utcnow
    from portal.core.sms import SmsMessage

    env.sign_in(ADMIN)
    message = SmsMessage(ref="C-test", template="case_update", params="{}", recipient_masked="138****5678",
                         recipient_encrypted=encrypt_text("13812345678"), attempts=6, dead_at=utcnow(),
                         last_error="refused")
    db.session.add(message)
    db.session.commit()
    return {"message_id": message.id}


def county_emblem(env):
    """An emblem on the home page, so the admin's page offers to replace or remove it."""
    import io

    from PIL import Image
    from werkzeug.datastructures import FileStorage

    from portal.places import emblem

    picture = io.BytesIO()
    Image.new("RGB", (64, 64), (164, 22, 26)).save(picture, "PNG")
    picture.seek(0)
    emblem.replace(FileStorage(stream=picture, filename="县徽.png", name="emblem"))
    db.session.commit()
    return {}


def dead_mail(env):
    """An undeliverable message on the county admin's mail page."""
    from portal.core.db import utcnow
    from portal.core.mail import OutboxMessage

    env.sign_in(ADMIN)
    message = OutboxMessage(recipient="handler@portal.invalid", subject="测试", body="正文", attempts=8,
                            dead_at=utcnow(), last_error="refused")
    db.session.add(message)
    db.session.commit()
    return {"message_id": message.id}


def official(env):
    from portal.places.models import TownshipOfficial

    return {"official_id": db.session.scalar(select(TownshipOfficial.id).order_by(TownshipOfficial.id))}


def account_request(env):
    """A request another county admin filed: the signed-in admin may decide it."""
    from portal.accounts.models import AccountRequest

    request = AccountRequest(kind="create", requested_by_id=_user("county_admin2").id,
                             payload={"username": "fuzz.handler", "role": "county_handler", "township": "",
                                      "village": "", "display_name": "", "email": ""})
    db.session.add(request)
    db.session.commit()
    return {"request_id": request.id}


def setup_link(env):
    """A one-time password link for a new account, and the page that holds its form."""
    from portal.accounts import approvals

    token = approvals.issue_setup_token(_user("handler_liutang"))
    db.session.commit()
    return {"token": token}


def setup_page(env, state):
    url = f"/auth/setup?token={state['token']}"
    return url, env.client.get(url).get_data(as_text=True)
