"""Human names of the portal's codes, translated (msgids in English, Chinese in the catalogue)."""
from functools import lru_cache

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

LABELS = {
    "power_category": {
        "decision": _l("Major decisions"), "project": _l("Projects and tendering"),
        "procurement": _l("Procurement"), "finance": _l("Finance"), "assets": _l("Collective assets and resources"),
        "staffing": _l("Staffing"), "seal_cert": _l("Seals and certificates"), "homestead": _l("Homesteads and building"),
        "assistance": _l("Social assistance"), "subsidy": _l("Subsidies"), "land": _l("Land and compensation"),
        "service": _l("Other services"),
    },
    "top_class": {"collective": _l("Collective management"), "service": _l("Resident service")},
    "cadre_role": {
        "party_secretary": _l("Party secretary"), "committee_director": _l("Committee director"),
        "supervision_chair": _l("Supervision committee chair"), "bookkeeper": _l("Bookkeeper"),
        "member": _l("Committee member"), "liaison_cadre": _l("Township liaison cadre"),
    },
    "figure": {"opening": _l("Opening balance"), "income": _l("Income"), "expense": _l("Expenditure"),
               "closing": _l("Closing balance")},
    "domain": {"party": _l("Party affairs"), "village": _l("Village affairs"), "finance": _l("Finance")},
    "kind": {"text": _l("Notice"), "table": _l("Table"), "decision": _l("Decision record"),
             "attachment": _l("Documents")},
    "duty_section": {
        "duties": _l("Duties and targets"), "powers_used": _l("Petty-power items handled"),
        "funds": _l("Funds and assets handled"), "integrity": _l("Integrity"),
        "complaints": _l("Residents' complaints and fixes"), "shortcomings": _l("Shortcomings"),
        "plans": _l("Next year's plan"), "pledge": _l("Integrity pledge"),
    },
    "rating": {"satisfied": _l("Satisfied"), "basically_satisfied": _l("Basically satisfied"),
               "dissatisfied": _l("Dissatisfied")},
    "status": {
        "received": _l("Received, waiting for a decision"), "accepted": _l("Accepted"),
        "declined": _l("Not accepted"), "transferred": _l("Transferred to another body"),
        "in_progress": _l("Being handled"), "concluded": _l("Concluded"), "under_review": _l("Under review"),
    },
    "complaint_category": {
        "mass_discipline": _l("Favouritism or demanding favours"), "integrity": _l("Gifts or self-dealing"),
        "collective_assets": _l("Collective funds, assets and resources"),
        "subsidy_fraud": _l("Subsidy fraud or skimming"), "project_tender": _l("Projects and tendering"),
        "disclosure_failure": _l("Affairs or finances not disclosed"), "work_style": _l("Inaction or formalism"),
        "work_discipline": _l("Work discipline"), "election": _l("Elections and vote buying"),
        "retaliation": _l("Reprisal against a complainant"), "other_discipline": _l("Other discipline matters"),
        "grievance": _l("A request for help (not an accusation)"),
        "unclassified": _l("Not sure: staff will choose the kind"),
    },
    "complaint_category_hint": {
        "mass_discipline": _l("Cadres favour relatives or friends, ask for favours, or ignore residents."),
        "integrity": _l("Cadres take gifts or money, or do business with the village for themselves."),
        "collective_assets": _l("Village money, property or land is misused, kept off the books or leased too cheaply."),
        "subsidy_fraud": _l("Subsidies or relief are claimed falsely, held back or skimmed."),
        "project_tender": _l("Village building work is split up, given to favourites or tendered unfairly."),
        "disclosure_failure": _l("Village affairs or finances are not posted, posted late or posted falsely."),
        "work_style": _l("Cadres do nothing, pass the buck or only go through the motions."),
        "work_discipline": _l("Cadres break work rules, for example skipping required procedures."),
        "election": _l("Votes are bought or the village election is manipulated."),
        "retaliation": _l("Someone was punished or threatened for reporting. Handled first."),
        "other_discipline": _l("Other breaches of discipline or the law by cadres."),
        "grievance": _l("You need help with a dispute or a problem; it is not an accusation."),
        "unclassified": _l("Choose this if none fits or you are unsure. The handler will choose the kind."),
    },
    "escalation_reason": {
        "township_officials": _l("concerns township officials"), "routing_rule": _l("county routing rule"),
        "recusal": _l("a township handler recused"), "overdue": _l("overdue at the township"),
        "manual": _l("sent up by the township"), "review": _l("review requested"),
    },
    "finding": {"true": _l("True"), "partly_true": _l("Partly true"), "untrue": _l("Untrue"),
                "unverifiable": _l("Cannot be verified")},
    "disposal_mode": {
        "talk_inquiry": _l("Talk or letter inquiry"), "preliminary_check": _l("Preliminary verification"),
        "shelve": _l("Shelved for later"), "close": _l("Matter closed"), "refer_investigation": _l("Referred for investigation"),
    },
    "event_kind": {
        "status": _l("Status"), "note": _l("Internal note"), "message": _l("Message to the complainant"),
        "question": _l("Question to the complainant"), "answer": _l("Answer from the complainant"),
        "info": _l("Information from the complainant"), "escalation": _l("Sent to the county"),
        "recusal": _l("Recusal"), "rating": _l("Rating"), "extension": _l("Deadline extended"),
        "assignment": _l("Assigned to the township"), "overdue": _l("Overdue notice"),
        "intake": _l("Entered by staff"),
    },
    "channel": {"portal": _l("Online portal"), "api": _l("Portal (API)"), "visit": _l("Visit in person"), "phone": _l("Phone call"),
                "letter": _l("Letter by post"), "county": _l("Assigned by the county"),
                "proxy": _l("Filed for a resident by a supervision committee member")},
    "decision_step": {
        "proposal": _l("Party branch proposal"), "committees": _l("Joint meeting of both committees"),
        "party_meeting": _l("Party members' meeting"), "representatives": _l("Villager representatives' meeting"),
        "resolution_disclosure": _l("Resolution made public"), "result_disclosure": _l("Result made public"),
    },
    "breach": {
        "quorum": _l("Too few members present (at least two thirds required)"),
        "majority": _l("Not enough votes in favour"),
        "notice_days": _l("Plan reached party members less than 3 days before the meeting"),
        "posting_days": _l("Posted for too short a time"),
        "order": _l("Steps are out of order"),
        "date_order": _l("Dates are out of order"),
        "missing_step": _l("A required step is missing"),
        "vote_exceeds_present": _l("More votes than people present"),
        "present_exceeds_expected": _l("More people present than members"),
        "late_disclosure": _l("Resolution made public too late"),
        "posting_start": _l("Resolution made public too late"),
        "unknown_step": _l("A step of an unknown kind"),
        "duplicate_step": _l("The same step is recorded twice"),
        "invalid_date": _l("A date is not valid"),
        "invalid_count": _l("A count is not valid"),
        "missing_count": _l("Attendance or votes are missing"),
    },
    "risk_level": {"high": _l("High"), "medium": _l("Medium"), "low": _l("Low")},
    "obligation": {
        "finance_monthly": _l("Monthly finance statement"), "village_affairs": _l("Village affairs (quarterly)"),
        "party_affairs": _l("Party affairs (quarterly)"), "duty_report": _l("Cadres' yearly duty reports"),
    },
    "obligation_state": {"ok": _l("Published on time"), "late": _l("Published late"), "missing": _l("Missing")},
    "option_status": {"pending": _l("Waiting for review"), "accepted": _l("On the ballot"),
                      "merged": _l("Merged into another"), "rejected": _l("Not taken up")},
    "poll_phase": {"upcoming": _l("Not open yet"), "proposals": _l("Collecting proposals"),
                   "screening": _l("Reviewing proposals"), "voting": _l("Voting"),
                   "counting": _l("Voting closed"), "published": _l("Top ten published")},
    "user_role": {
        "village_cadre": _l("Village cadre"), "township_handler": _l("Township discipline handler"),
        "county_handler": _l("County discipline handler"), "county_admin": _l("County administrator"),
    },
    "account_request": {"create": _l("New account"), "password_reset": _l("Password reset"),
                        "two_factor_reset": _l("Two-step verification reset"), "role_change": _l("New role")},
    "handling_level": {"township": _l("Township handles it"), "county": _l("County handles it")},
    "topic": {
        "finance_monthly": _l("Monthly finance statement"), "finance_annual": _l("Annual finance statement"),
        "village_affairs": _l("Village affairs"), "decision": _l("Decision (four deliberations, two disclosures)"),
        "project": _l("Project"), "subsidy": _l("Subsidy payments"), "assistance": _l("Social assistance"),
        "homestead": _l("Homesteads"), "assets": _l("Collective assets and resources"),
        "party_affairs": _l("Party affairs"), "other": _l("Other"),
    },
    "decision_field": {
        "matter": _l("Matter"), "dual_role": _l("Secretary is also committee director"), "step": _l("Step"),
        "date": _l("Date"), "expected": _l("Members due to attend"), "present": _l("Present"),
        "for": _l("For"), "against": _l("Against"), "abstain": _l("Abstain"),
        "notice_date": _l("Plan sent to members on"), "posted_from": _l("Posted from"),
        "posted_until": _l("Posted until"), "note": _l("Note"),
    },
    "subject_type": {"disclosure": _l("Disclosure"), "duty_report": _l("Duty report"),
                     "power_item": _l("Power item"), "evaluation": _l("Evaluation result"),
                     "redaction": _l("Removal of personal data")},
    "power_field": {
        "code": _l("Item code"), "title": _l("Title"), "category": _l("Category"), "top_class": _l("Class"),
        "legal_basis": _l("Legal basis"), "responsible_body": _l("Responsible body"),
        "eligibility": _l("Who can apply"), "materials": _l("Materials to bring"), "steps": _l("Steps"),
        "total_time_limit": _l("Overall time limit"), "disclosure_rules": _l("What must be made public"),
        "risks": _l("Risk points and controls"), "accountability": _l("Accountability"), "note": _l("Note"),
        "responsible_person": _l("Responsible person"), "responsible_phone": _l("Phone"),
        "supervisor": _l("Supervision"), "hotline": _l("Hotline"), "retired": _l("Retired"),
    },
    "adoption_state": {"as_is": _l("Adopted as is"), "changed": _l("Adopted and changed"),
                       "pending": _l("Update not yet answered"), "declined": _l("Declined the latest update"),
                       "retired": _l("Retired the item"), "not_adopted": _l("Not adopted")},
    "meta_field": {
        "domain": _l("Category"), "topic": _l("Topic"), "period_label": _l("Period"),
        "period_start": _l("Period starts"), "period_end": _l("Period ends"), "cadre_name": _l("Cadre"),
        "cadre_role": _l("Post"), "period": _l("Period"),
    },
}


def label(group: str, code, locale: str | None = None) -> str:
    """Translate a code of a group (into `locale` when the caller knows the request's language already);
    unknown codes are shown as they are."""
    value = LABELS.get(group, {}).get(code)
    if value is None:
        return "" if code is None else str(code)
    locale = locale or get_locale()
    if locale is None:  # outside a request: no language chosen, nothing to keep
        return str(value)
    return _translated(group, code, str(locale))


@lru_cache(maxsize=2048)
def _translated(group: str, code, locale: str) -> str:
    # The catalogues are loaded once per process: a label in a language never changes while it runs.
    return str(LABELS[group][code])
