"""The complaint form one question per page: answers and files kept on the server between pages.

The same rules as the one-page form and the API (intake.clean), checked a
page at a time: each page owns some fields and shows only their messages.
"""
from dataclasses import asdict

from flask import session
from flask_babel import lazy_gettext as _l

from portal.complaints import holds
from portal.complaints.intake import FILE_TYPES, MAX_FILES, clean, discard, find_village, submit
from portal.complaints.textcheck import Errors
from portal.core.errors import PortalError
from portal.core.media_audio import AUDIO_TYPES
from portal.core.storage import StoredFile, store_upload
from portal.core.timezone import local_today as today
from portal.subsidies import service as subsidies

SLOT = "complaint_draft"
START = "complaint_start"  # what the link said, until the first answer
STEPS = ("village", "what", "who", "kind", "name", "contact", "check")
FIELDS = {
    "village": ("village",),
    "what": ("description", "happened_on", "files", "voice"),
    "who": ("about_whom", "about"),
    "kind": ("category",),
    "name": ("anonymous",),
    "contact": ("contact_name", "contact_phone", "notify_sms"),
    "check": (),
}
LINK_FIELDS = ("power_item", "step", "disclosure")
# The categories in the order residents most often need them; "unclassified" is offered last.
CATEGORY_ORDER = ("subsidy_fraud", "collective_assets", "disclosure_failure", "project_tender", "mass_discipline",
                  "integrity", "work_style", "election", "retaliation", "work_discipline", "other_discipline",
                  "grievance")
UNSURE = "unclassified"


def _stored(draft: dict) -> list[StoredFile]:
    return [StoredFile(**f) for f in draft.get("files", [])] + ([StoredFile(**draft["voice"])] if draft.get("voice")
                                                               else [])


def load() -> dict | None:
    """The draft of this browser's visit: kept on the server once answered, else just begun; or None."""
    draft = holds.get(SLOT)
    if draft is None and isinstance(session.get(START), dict):
        answers = {"anonymous": "1", **{k: v for k, v in session[START].items() if isinstance(v, str)}}
        draft = {"answers": answers, "files": [], "voice": None, "done": [], "village_from_link": "village" in answers}
    return draft


def save(draft: dict) -> None:
    holds.put(SLOT, draft, holds.DRAFT_SECONDS, files=[f.stored_name for f in _stored(draft)])
    session.pop(START, None)


def start(args: dict) -> dict:
    """Begin a draft, with the village (and the item or disclosure) from the poster's or page's link.

    Nothing is written on the server until the first answer: opening the form costs only a cookie.
    """
    old = holds.get(SLOT)
    if old and (not args.get("village") or old["answers"].get("village") == args.get("village")):
        return old  # carry on where the resident left off
    if old:
        abandon()
    begun = {}
    for key in ("village", *LINK_FIELDS):
        value = args.get(key)
        if isinstance(value, str) and value.strip() and len(value) <= 20:
            begun[key] = value.strip()
    if find_village(begun.get("village")) is None:
        begun.pop("village", None)
    session[START] = begun
    return load()


def start_payment(payment_id) -> dict | None:
    """Begin a fresh draft about one published payment line: subsidy category, the line named in the text."""
    line = subsidies.get_line(payment_id, current_only=False)
    if line is None:
        return None
    abandon()
    session[START] = {"village": line.village.code, "disclosure": str(line.disclosure_id), "payment": str(line.id),
                      "category": "subsidy_fraud", "about": subsidies.describe_about(line),
                      "description": subsidies.describe(line) + "\n"}
    return load()


def abandon() -> None:
    """Forget the draft and delete its files."""
    session.pop(START, None)
    draft = holds.drop(SLOT)
    if draft:
        discard(_stored(draft))


def order(draft: dict) -> list[str]:
    """The pages this draft goes through: no village page when the link named one, contact only when named."""
    return [s for s in STEPS if (s != "village" or not draft.get("village_from_link"))
            and (s != "contact" or draft["answers"].get("anonymous") == "0")]


def first_step(draft: dict) -> str:
    shown = order(draft)
    return next((s for s in shown if s not in draft["done"]), "check")


def next_step(draft: dict, step: str) -> str:
    shown = order(draft)
    later = shown[shown.index(step) + 1:] if step in shown else shown
    return next((s for s in later if s not in draft["done"] or s == "check"), "check")


def previous_step(draft: dict, step: str) -> str | None:
    shown = order(draft)
    at = shown.index(step) if step in shown else 0
    return shown[at - 1] if at > 0 else None


def progress(draft: dict, step: str) -> tuple[int, int]:
    """Which question this is, of how many (the check page is not a question)."""
    shown = [s for s in order(draft) if s != "check"]
    return (shown.index(step) + 1 if step in shown else len(shown)), len(shown)


def step_errors(draft: dict, step: str) -> Errors:
    """The messages of the fields this page owns."""
    _data, errors = clean(draft["answers"], today_=today())
    return Errors({k: v for k, v in errors.items() if k in FIELDS[step]})


def answer(draft: dict, step: str, form: dict, files=(), voice=None, remove=()) -> None:
    """Record a page's answers (kept even when wrong, so nothing typed is lost); raise PortalError with its messages."""
    answers = draft["answers"]
    for key in FIELDS[step]:
        if key in ("files", "voice"):
            continue
        value = form.get(key)
        if isinstance(value, str):
            answers[key] = value
        elif key in answers and key not in ("village",):
            answers.pop(key)
    errors = Errors()
    if step == "what":
        _keep_files(draft, files, voice, remove, errors)
    if step == "name" and answers.get("anonymous") == "1":
        answers.pop("contact_name", None)
        answers.pop("contact_phone", None)
        answers.pop("notify_sms", None)
    for key, messages in step_errors(draft, step).items():
        for message in messages:
            errors.add(key, message)
    if not errors and step not in draft["done"]:
        draft["done"].append(step)
    elif errors and step in draft["done"]:
        draft["done"].remove(step)
    save(draft)
    if errors:
        raise PortalError(errors=errors)


def _keep_files(draft: dict, files, voice, remove, errors: Errors) -> None:
    """Drop the files the resident removed; check and keep the new ones at once (they survive any error)."""
    gone = [f for f in draft["files"] if f["stored_name"] in remove]
    if draft.get("voice") and draft["voice"]["stored_name"] in remove:
        gone.append(draft["voice"])
        draft["voice"] = None
    draft["files"] = [f for f in draft["files"] if f["stored_name"] not in remove]
    discard([StoredFile(**f) for f in gone])
    chosen = [f for f in files or () if getattr(f, "filename", None)]
    if len(draft["files"]) + len(chosen) > MAX_FILES:
        errors.add("files", _l("Attach at most %(n)s files.", n=MAX_FILES))
        chosen = []
    for f in chosen:
        try:
            draft["files"].append(asdict(store_upload(f, allowed=FILE_TYPES, field="files")))
        except PortalError as exc:
            errors.add("files", exc.message)
    if voice is not None and getattr(voice, "filename", None):
        try:
            stored = store_upload(voice, allowed=AUDIO_TYPES, field="voice")
        except PortalError as exc:
            errors.add("voice", exc.message)
        else:
            if draft.get("voice"):
                discard([StoredFile(**draft["voice"])])
            draft["voice"] = asdict(stored)


def send(draft: dict, channel: str = "portal"):
    """File the complaint through the intake service; forget the draft (not its files) once filed."""
    complaint, receipt = submit(dict(draft["answers"]), (), channel=channel, kept=_stored(draft))
    holds.drop(SLOT)  # the files now belong to the case
    session.pop(START, None)
    return complaint, receipt


def first_with_errors(draft: dict, errors: Errors) -> str:
    """The first page that owns one of the fields in errors."""
    for step in STEPS:
        if any(k in errors for k in FIELDS[step]):
            return step
    return "check"
