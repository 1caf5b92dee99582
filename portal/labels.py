"""Human names of the portal's codes, translated (msgids in English, Chinese in the catalogue)."""
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
    },
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
}


def label(group: str, code) -> str:
    """Translate a code of a group; unknown codes are shown as they are."""
    value = LABELS.get(group, {}).get(code)
    return str(value) if value is not None else ("" if code is None else str(code))
