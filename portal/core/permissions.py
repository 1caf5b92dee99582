"""Every authorization decision of the portal (DESIGN.md section 2).

Views, the API, templates and services ask these predicates; nothing else
decides who may see or change what.
"""
from functools import wraps

from flask import abort, request
from flask_login import current_user
from sqlalchemy import false, select, true

from portal.core.roles import COMPLAINT_ROLES, ROLES, Level, Role

STAFF_ROLES = ROLES


def _is(user, *roles) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.role in roles)


# ---- places and published content -------------------------------------------------

def can_read_drafts(user, village) -> bool:
    """Drafts: own village (cadre), villages of own township (handler), all (county handler)."""
    if _is(user, Role.VILLAGE_CADRE):
        return user.village_id == village.id
    if _is(user, Role.TOWNSHIP_HANDLER):
        return user.township_id == village.township_id
    return _is(user, Role.COUNTY_HANDLER)


def can_publish(user, village) -> bool:
    """Only the village's own cadres publish or correct for it."""
    return _is(user, Role.VILLAGE_CADRE) and user.village_id == village.id


def can_redact_record(user) -> bool:
    """Removing personal data from a published revision after the fact: county handlers only.

    The removal is itself a chained entry with its reason, so it is public and checked by `verify`.
    """
    return _is(user, Role.COUNTY_HANDLER)


def can_use_publishing(user) -> bool:
    """The cadre workspace (/publish/) is for village cadres bound to a village."""
    return _is(user, Role.VILLAGE_CADRE) and user.village_id is not None


def can_read_attachment(user, attachment, village, published: bool) -> bool:
    """Files of published disclosures are public; draft files only for readers of the village's drafts."""
    if attachment.disclosure_id is None:  # not a disclosure file (e.g. complaint evidence): never served
        return False
    return attachment.village_id == village.id and (published or can_read_drafts(user, village))


def can_manage_places(user) -> bool:
    """Places, accounts, templates and routing belong to the county admin."""
    return _is(user, Role.COUNTY_ADMIN)


# ---- complaints ---------------------------------------------------------------------

def can_read_complaint(user, complaint) -> bool:
    """Township handlers: routed to their township and not escalated away; county: all."""
    if _is(user, Role.COUNTY_HANDLER):
        return True
    if _is(user, Role.TOWNSHIP_HANDLER):
        return (complaint.handling_level == Level.TOWNSHIP and complaint.township_id == user.township_id
                and not _recused(user, complaint))
    return False


def _recused(user, complaint) -> bool:
    from portal.extensions import db

    model = type(complaint)
    # A fresh query, not the loaded collection: a recusal made earlier in this request counts.
    return db.session.query(
        select(model.id).where(model.id == complaint.id, model.recusals.any(user_id=user.id)).exists()
    ).scalar()


def must_recuse(user, complaint) -> bool:
    """A township handler whom a case names (their display name, in any text from the complainant) must recuse.

    They may open the case only to recuse: no contents, no other action.
    """
    if not _is(user, Role.TOWNSHIP_HANDLER) or not getattr(user, "display_name", None):
        return False
    from portal.core.names import names

    return names(complaint.complainant_texts(), user.display_name)


def can_see_case_contents(user, complaint) -> bool:
    """Read the case's texts, files and contact: its readers, unless it names them."""
    return can_read_complaint(user, complaint) and not must_recuse(user, complaint)


def can_enter_complaint(user, village) -> bool:
    """Handlers enter complaints received by phone, letter or visit for villages they serve."""
    if _is(user, Role.COUNTY_HANDLER):
        return True
    return _is(user, Role.TOWNSHIP_HANDLER) and village is not None and village.township_id == user.township_id


def can_change_complaint(user, complaint) -> bool:
    """Those who may read a complaint may change its status (not a handler the case names)."""
    return can_see_case_contents(user, complaint)


def can_link_complaints(user, complaint, other) -> bool:
    """Group two cases into one lead, or part them: only who may change both."""
    return can_change_complaint(user, complaint) and can_change_complaint(user, other)


def can_use_triage(user) -> bool:
    """The triage area (inbox, case pages) is for complaint handlers only."""
    return _is(user, *COMPLAINT_ROLES)


def can_escalate_complaint(user, complaint) -> bool:
    """A township handler who holds a case may send it to the county."""
    return (_is(user, Role.TOWNSHIP_HANDLER) and complaint.handling_level == Level.TOWNSHIP
            and can_read_complaint(user, complaint))


def can_recuse_complaint(user, complaint) -> bool:
    """A township handler who holds a case may recuse (回避) from it."""
    return _is(user, Role.TOWNSHIP_HANDLER) and can_read_complaint(user, complaint)


def can_assign_complaint(user, complaint) -> bool:
    """County handlers may assign (交办) a county case back to its township."""
    return _is(user, Role.COUNTY_HANDLER) and complaint.handling_level == Level.COUNTY


def can_see_complaint_counts(user) -> bool:
    """Aggregate statistics: handlers and the county admin (counts only)."""
    return _is(user, Role.TOWNSHIP_HANDLER, Role.COUNTY_HANDLER, Role.COUNTY_ADMIN)


def can_view_audit_log(user) -> bool:
    return _is(user, Role.COUNTY_HANDLER)


def can_run_evaluations(user) -> bool:
    """The evaluation area (/evaluation/): township handlers, for the villages of their township."""
    return _is(user, "township_handler")


def evaluation_village_filter(user, village_model):
    """SQL filter of the villages where a user may open duty-report evaluations."""
    if _is(user, "township_handler"):
        return village_model.township_id == user.township_id
    return false()


def can_open_evaluation(user, village) -> bool:
    """Township handlers open duty-report evaluations for villages of their township."""
    return _is(user, Role.TOWNSHIP_HANDLER) and user.township_id == village.township_id


def can_manage_evaluation(user, evaluation_round) -> bool:
    """Close or inspect a round: whoever may open one for its village."""
    return can_open_evaluation(user, evaluation_round.village)


# ---- oversight (statistics) and the yearly top-ten poll --------------------------------

def can_view_oversight(user) -> bool:
    """The oversight dashboard: handlers and the county admin (the admin sees counts only)."""
    return can_see_complaint_counts(user)


def oversight_township_id(user) -> int | None:
    """The one township whose figures a user sees, or None for the whole county."""
    return user.township_id if _is(user, Role.TOWNSHIP_HANDLER) else None


def can_list_cases(user) -> bool:
    """Case-level lists (case numbers, villages, dates): handlers only, never the admin."""
    return _is(user, *COMPLAINT_ROLES)


def can_run_poll(user, township) -> bool:
    """Township handlers run their own township's 群众最不满意的10件事 poll."""
    return _is(user, Role.TOWNSHIP_HANDLER) and user.township_id == township.id


def can_create_poll(user) -> bool:
    """A township handler bound to a township may start its poll."""
    return _is(user, "township_handler") and user.township_id is not None


def poll_scope_filter(user, poll_model):
    """SQL filter of the polls a user lists: a township handler their own township's, the county every one."""
    if _is(user, "township_handler"):
        return poll_model.township_id == user.township_id
    return true() if can_view_oversight(user) else false()


def complaint_scope_filter(user, complaint_model):
    """SQL filter of the complaints a user may read (for inbox queries)."""
    if _is(user, Role.COUNTY_HANDLER):
        return true()
    if _is(user, Role.TOWNSHIP_HANDLER):
        recused = complaint_model.recusals.any(user_id=user.id)
        return (complaint_model.handling_level == Level.TOWNSHIP) & (
            complaint_model.township_id == user.township_id
        ) & ~recused
    return false()


def case_holders_filter(complaint, user_model):
    """SQL filter of the staff who hold a complaint (to notify them): its handling unit's active handlers.

    Township cases: the township's handlers who may read it (not those recused); county cases: county handlers.
    """
    serving = unit_handlers_filter(complaint.handling_level, complaint.township_id, user_model)
    if complaint.handling_level == "county" or complaint.id is None:  # a case being filed has no recusals yet
        return serving
    recusal = type(complaint).recusals.property.mapper.class_
    recused = select(recusal.user_id).where(recusal.complaint_id == complaint.id, recusal.user_id.is_not(None))
    return serving & user_model.id.not_in(recused)


def unit_handlers_filter(level: str, township_id, user_model):
    """SQL filter of a handling unit's active handlers: the county's, or those of the township."""
    active = user_model.is_active_flag.is_(True)
    if level == "county":
        return active & county_handlers_filter(user_model)
    return active & township_handlers_filter(user_model, township_id)


def township_handlers_filter(user_model, township_id: int):
    """SQL filter of the handlers who serve a township (its cases reach them unless escalated or recused)."""
    return (user_model.role == "township_handler") & (user_model.township_id == township_id)


def county_handlers_filter(user_model):
    """SQL filter of the county handlers: every escalated, overdue or conflicted case reaches them."""
    return user_model.role == "county_handler"


def complaint_statistics_filter(user, complaint_model):
    """SQL filter of the complaints a user's statistics count.

    A township handler counts exactly their inbox (complaint_scope_filter): a
    case about township officials, one they recused from or one escalated to
    the county is never counted, so the accused learns nothing from a number.
    The county (handlers and the admin, counts only) counts every complaint.
    """
    if _is(user, Role.COUNTY_HANDLER, Role.COUNTY_ADMIN):
        return true()
    return complaint_scope_filter(user, complaint_model)


STATISTICS_MIN_COUNT = 3


def statistics_min_count(user) -> int:
    """Smallest count shown to the user; smaller ones read "<3" (township staff only; 0: show everything).

    ``STATISTICS_MIN_COUNT`` in the configuration overrides the default of 3.
    """
    if not _is(user, Role.TOWNSHIP_HANDLER):
        return 0
    return public_statistics_min_count()


def public_statistics_min_count() -> int:
    """Smallest count the public figures show: the same setting as the township staff's dashboard."""
    from flask import current_app

    return max(0, int(current_app.config.get("STATISTICS_MIN_COUNT", STATISTICS_MIN_COUNT)))


def public_statistics_filter(complaint_model):
    """SQL filter of the complaints the public figures count.

    Never a case about township officials or one a handler recused from: a township's staff could
    subtract their own dashboard from the public figure and learn that someone complained about them.
    """
    return ~complaint_model.concerns_township_officials & (
        complaint_model.escalation_reason.is_(None) | (complaint_model.escalation_reason != "recusal"))


def village_scope_filter(user, village_model):
    """SQL filter of the villages whose drafts a user may read."""
    if _is(user, Role.VILLAGE_CADRE):
        return village_model.id == user.village_id
    if _is(user, Role.TOWNSHIP_HANDLER):
        return village_model.township_id == user.township_id
    if _is(user, Role.COUNTY_HANDLER):
        return true()
    return false()


# ---- subsidy payment lists (一卡通) ------------------------------------------------------

def can_review_payment_lists(user) -> bool:
    """The queue of flagged payment lists: township handlers (own township) and county handlers (all)."""
    return _is(user, *COMPLAINT_ROLES)


def payment_review_filter(user, review_model):
    """SQL filter of the flagged payment lists a user may read."""
    if _is(user, "county_handler"):
        return true()
    if _is(user, "township_handler"):
        return review_model.township_id == user.township_id
    return false()


def can_read_payment_review(user, review) -> bool:
    return _is(user, "county_handler") or (_is(user, "township_handler") and review.township_id == user.township_id)


def can_keep_deceased_list(user) -> bool:
    """The township's list of deceased persons: its own township handlers enter and remove names."""
    return _is(user, "township_handler") and user.township_id is not None


def can_declare_relatives(user) -> bool:
    """Village cadres declare their own close relatives (近亲属备案)."""
    return _is(user, "village_cadre") and user.village_id is not None


def can_set_subsidy_standards(user) -> bool:
    """The standard amount per subsidy item is the county admin's."""
    return _is(user, "county_admin")


# ---- staff areas and account security ------------------------------------------------

# Which roles work in which staff area (the "My work" page links to these).
WORK_AREAS = {
    "publish": (Role.VILLAGE_CADRE,),
    "triage": COMPLAINT_ROLES,
    "oversight": (Role.TOWNSHIP_HANDLER, Role.COUNTY_HANDLER, Role.COUNTY_ADMIN),
    "admin": (Role.COUNTY_ADMIN,),
    "relatives": (Role.VILLAGE_CADRE,),
    "payment_review": COMPLAINT_ROLES,
}
REQUIRE_2FA_SETTING = "require_2fa_for_complaint_staff"


# Accounts that read complaints, and the admin accounts that could approve them: creating one, resetting its
# password or second factor, or changing a role towards one waits for a second county account.
APPROVAL_ROLES = (Role.TOWNSHIP_HANDLER, Role.COUNTY_HANDLER, Role.COUNTY_ADMIN)


def needs_second_approval(role: str | None) -> bool:
    """Tell whether giving an account this role (or resetting one that has it) needs a second approval."""
    return role in APPROVAL_ROLES


def can_approve_account_request(user, request) -> bool:
    """Another county admin than the one who asked may approve or reject a pending account change."""
    return (_is(user, Role.COUNTY_ADMIN) and request.outcome is None
            and request.requested_by_id is not None and request.requested_by_id != user.id)


def can_enter_area(user, area: str) -> bool:
    """Tell whether a staff member works in an area (publish, triage, oversight, admin)."""
    return _is(user, *WORK_AREAS.get(area, ()))


def two_factor_recommended(user) -> bool:
    """Those who read complaints should protect their account with a second factor."""
    return _is(user, *COMPLAINT_ROLES)


def two_factor_required(user) -> bool:
    """Complaint readers must use a second factor: from their first sign-in, or once the county enforces it."""
    if not _is(user, *COMPLAINT_ROLES):
        return False
    if getattr(user, "must_enrol_2fa", False):
        return True
    from portal.core.settings import get_setting

    return bool(get_setting(REQUIRE_2FA_SETTING, False))


def can_turn_off_two_factor(user) -> bool:
    """Staff who do not read complaints may turn their second factor off (with a current code)."""
    return _is(user, *STAFF_ROLES) and not _is(user, *COMPLAINT_ROLES) and not two_factor_required(user)


# ---- guards -------------------------------------------------------------------------

def require(allowed: bool, not_found: bool = False) -> None:
    """Abort unless allowed; 404 where even existence must not leak (complaints)."""
    if not allowed:
        abort(404 if not_found else 403)


def guard_area(allowed, hide_arg: str | None = None):
    """Build the guard of a staff area: sign in first, then allowed(user) or 403.

    The one area guard of the portal: a blueprint installs it with
    ``bp.before_request(guard_area(...))``; a staff view inside a public blueprint
    wears it as ``@guard_area(...).view``. When the URL carries ``hide_arg`` (a case
    number), refuse with 404 instead, so a wrong role cannot learn that it exists.
    """

    def guard():
        if not current_user.is_authenticated:
            from flask import current_app

            from portal.extensions import login_manager

            if login_manager.login_view in current_app.view_functions:
                return login_manager.unauthorized()
            abort(401)
        if not allowed(current_user):
            abort(404 if hide_arg and (request.view_args or {}).get(hide_arg) else 403)
        return None

    def view(function):
        @wraps(function)
        def wrapped(*args, **kwargs):
            return guard() or function(*args, **kwargs)

        return wrapped

    guard.view = view
    return guard


def template_predicates() -> dict:
    """Expose the predicates to templates."""
    return {
        "can_read_drafts": can_read_drafts,
        "can_publish": can_publish,
        "can_redact_record": can_redact_record,
        "can_manage_places": can_manage_places,
        "can_read_complaint": can_read_complaint,
        "can_see_complaint_counts": can_see_complaint_counts,
        "can_enter_area": can_enter_area,
        "two_factor_recommended": two_factor_recommended,
    }


