"""Every POST form of the portal: who may use it, the state it needs, and a valid submission to spoil."""
from collections.abc import Callable
from dataclasses import dataclass, field

from demo_ids import OTHER_TOWNSHIP, TOWNSHIP, VILLAGE

from hardening.scenes import (
    ADMIN,
    CADRE,
    DESCRIPTION,
    HANDLER,
    SECTIONS,
    TEXT_META,
    Env,
    account_request,
    code_page,
    complaint_answered,
    complaint_begun,
    complaint_ready,
    complaint_state,
    county_emblem,
    dead_mail,
    dead_sms,
    draft_disclosure,
    draft_report,
    evaluation_round,
    first_power_item,
    hidden_is,
    holiday,
    new_template,
    official,
    one_page_form,
    page_at,
    pending_second_factor,
    pending_update,
    poll,
    raw_revision,
    receipt_kept,
    reopen_case,
    setup_link,
    setup_page,
    two_factor_on,
    update_waiting,
    user_id,
)

__all__ = ["TARGETS", "Target", "Env"]


def _payment_lines(env, state):
    """The self-check's answer for a demo beneficiary: one "这笔不对" form per payment line."""
    from hardening.formkit import csrf_token

    token = csrf_token(env.client.get("/subsidies/check").get_data(as_text=True))
    answer = env.client.post("/subsidies/check", data={"csrf_token": token, "id_number": "339901197508220023",
                                                       "name": "何秀兰"})
    return "/subsidies/check", answer.get_data(as_text=True)


def _flagged_list(env):
    from sqlalchemy import select

    from portal.extensions import db
    from portal.subsidies.models import PaymentReview

    return {"review_id": db.session.scalar(select(PaymentReview.id).order_by(PaymentReview.id))}


def _declared_relative(env):
    env.sign_in(CADRE)
    env.submit("/publish/relatives/", {"name": "陈小明", "relation": "child", "id_number": "110101199003074477"})
    return {}


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


# ---- the targets ------------------------------------------------------------------------------

TARGETS = [
    # Public.
    Target("subsidies.check_show", valid={"id_number": "339901197508220023", "name": "何秀兰"}, success=""),
    Target("complaints.payment_begin", page=_payment_lines),
    Target("complaints.step_answer", variant="what", setup=complaint_begun("what"), page=page_at("/complaints/new/what"),
           valid={"description": DESCRIPTION}),
    Target("complaints.step_answer", variant="who", setup=complaint_begun("who"), page=page_at("/complaints/new/who"),
           valid={"about": "村主任"}),
    Target("complaints.step_answer", variant="name", setup=complaint_begun("name"), page=page_at("/complaints/new/name"),
           valid={"anonymous": "0"}),
    Target("complaints.step_send", setup=complaint_ready, prepare=complaint_answered,
           page=page_at("/complaints/new/check")),
    Target("complaints.receipt_saved", prepare=receipt_kept),
    Target("complaints.complaint_new", page=one_page_form,
           valid={"village": VILLAGE, "category": "integrity", "about": "村主任",
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
    Target("complaints.track_sms_stop", setup=complaint_state(sms=True), prepare=reopen_case),
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
    Target("accounts.two_factor_off", role=CADRE, setup=two_factor_on(CADRE),
           page=lambda env, st: ("/auth/2fa", env.client.get("/auth/2fa").get_data(as_text=True)),
           valid={"password": "wrong", "code": "123456"}),
    Target("accounts.account_setup", setup=setup_link, page=setup_page,
           valid={"new_password": "a long new password", "confirm_password": "a long new password"}),
    # The cadre's workspace.
    *[Target("disclosures_manage.disclosure_new", role=CADRE, params={"kind": kind}, variant=kind, valid=TEXT_META)
      for kind in ("text", "table", "decision", "attachment")],
    Target("disclosures_manage.disclosure_edit", role=CADRE, setup=draft_disclosure, valid=TEXT_META),
    Target("disclosures_manage.disclosure_publish", role=CADRE, setup=draft_disclosure),
    Target("subsidies_relatives.relatives_list", role=CADRE,
           valid={"name": "陈小明", "relation": "child", "id_number": "110101199003074477"}),
    Target("subsidies_relatives.relative_withdraw", role=CADRE, setup=_declared_relative,
           page=lambda env, st: ("/publish/relatives/", env.client.get("/publish/relatives/").get_data(as_text=True))),
    # Township staff: the flagged payment lists and the list of the deceased.
    Target("subsidies_township.review_check", role=HANDLER, setup=_flagged_list, valid={"note": "已到村核实。"},
           page=lambda env, st: page_at(f"/oversight/payment-lists/{st['review_id']}")(env, st)),
    Target("subsidies_township.deceased_list", role=HANDLER, variant="one", pick=lambda f: "upload" not in f.names(),
           valid={"name": "钱七", "id_number": "110101199003074477", "died_on": "2026-01-05"}),
    Target("subsidies_township.deceased_list", role=HANDLER, variant="file", pick=lambda f: "upload" in f.names()),
    Target("subsidies_township.deceased_remove", role=HANDLER,
           page=lambda env, st: ("/oversight/payment-lists/deceased",
                                 env.client.get("/oversight/payment-lists/deceased").get_data(as_text=True))),
    Target("disclosures_manage.disclosure_discard", role=CADRE, setup=draft_disclosure),
    Target("duty_manage.report_new", role=CADRE, valid={"period": "2025", "title": "述责述廉报告", **SECTIONS}),
    Target("duty_manage.report_edit", role=CADRE, setup=draft_report, valid={"title": "述责述廉报告", **SECTIONS}),
    Target("duty_manage.report_publish", role=CADRE, setup=draft_report),
    Target("duty_manage.report_discard", role=CADRE, setup=draft_report),
    # A 200 is the preview, or the editor after a step row was added, moved or removed.
    Target("powers_manage.power_new", role=CADRE, valid={"title": "新事项", "category": "finance", "steps": "村委会|受理|1日",
                                                          "reason": "村民代表会议决定新增"},
           success='data-outcome="(preview|rows)"'),
    Target("powers_manage.power_edit", role=CADRE, setup=first_power_item, valid={"reason": "按县里新要求修订"},
           success='data-outcome="(preview|rows)"'),
    Target("powers_manage.power_move", role=CADRE, setup=first_power_item),
    Target("powers_manage.power_retire", role=CADRE, setup=first_power_item, valid={"reason": "事项合并"}),
    # The county handler removing personal data from a published revision.
    Target("records.revision_redact", role="county_handler", setup=raw_revision, valid={"reason": "公示了手机号"}),
    Target("powers_manage.power_adopt", role=CADRE, setup=new_template),
    Target("powers_manage.powers_adopt_all", role=CADRE, setup=new_template),
    Target("powers_manage.update_accept", role=CADRE, setup=pending_update, prepare=update_waiting),
    Target("powers_manage.update_decline", role=CADRE, setup=pending_update, prepare=update_waiting,
           valid={"reason": "本村另有规定"}),
    # Complaint handlers.
    *[Target("triage.case_act", role=HANDLER, variant=action, setup=complaint_state(status),
             pick=hidden_is("action", action))
      for action, status in [("accept", "received"), ("decline", "received"), ("transfer", "received"),
                             ("extend", "accepted"), ("question", "received"), ("message", "received"),
                             ("note", "received"), ("escalate", "received"), ("recuse", "received"),
                             ("start", "accepted"), ("conclude", "in_progress")]],
    Target("triage.complaint_enter", role=HANDLER, valid={"channel": "letter", "village": VILLAGE, "category": "integrity",
                                                          "about": "村主任", "description": DESCRIPTION,
                                                          "anonymous": "1"}),
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
    Target("admin.official_list", role=ADMIN, valid={"township": TOWNSHIP, "name": "测试干部", "post": "镇长"}),
    Target("admin.official_remove", role=ADMIN, setup=official,
           page=lambda env, st: ("/admin/officials", env.client.get("/admin/officials").get_data(as_text=True))),
    Target("admin.approval_approve", role=ADMIN, setup=account_request, success="",
           page=lambda env, st: ("/admin/approvals", env.client.get("/admin/approvals").get_data(as_text=True))),
    Target("admin.approval_reject", role=ADMIN, setup=account_request,
           page=lambda env, st: ("/admin/approvals", env.client.get("/admin/approvals").get_data(as_text=True))),
    Target("admin.deadlines_edit", role=ADMIN),
    Target("admin.holiday_list", role=ADMIN, valid={"day": "2031-05-06", "kind": "off", "note": "调休"}),
    Target("admin.holiday_remove", role=ADMIN, setup=holiday),
    Target("admin.subsidy_standards", role=ADMIN, valid={"item": "生猪调出大县奖励", "max_amount": "800"}),
    Target("admin.subsidy_standard_remove", role=ADMIN,
           page=lambda env, st: ("/admin/subsidy-standards", env.client.get("/admin/subsidy-standards")
                                 .get_data(as_text=True))),
    Target("admin.mail_retry", role=ADMIN, setup=dead_mail),
    Target("admin.sms_retry", role=ADMIN, setup=dead_sms),
    Target("admin.emblem_edit", role=ADMIN),
    Target("admin.emblem_remove", role=ADMIN, setup=county_emblem, page=lambda env, st: (
        "/admin/emblem", env.client.get("/admin/emblem").get_data(as_text=True))),
    Target("admin.routing_edit", role=ADMIN, params={"scope": TOWNSHIP}),
    Target("admin.security_edit", role=ADMIN),
    Target("powers_county.template_new", role=ADMIN, valid={"code": "QX-Y-01", "title": "测试事项", "category": "finance",
                                                    "top_class": "collective", "steps": "村委会|受理|1日"}),
    Target("powers_county.template_edit", role=ADMIN, params={"template_id": 1}),
    Target("admin.township_new", role=ADMIN, valid={"code": "339901301", "name": "新乡"}),
    Target("admin.township_edit", role=ADMIN, params={"code": OTHER_TOWNSHIP}),
    Target("admin.village_new", role=ADMIN, params={"code": TOWNSHIP}, valid={"code": "339901101299", "name": "新村"}),
    Target("admin.village_edit", role=ADMIN, params={"code": VILLAGE}),
    Target("admin.places_import", role=ADMIN, success=""),
]
