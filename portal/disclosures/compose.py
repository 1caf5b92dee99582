"""Turn a submitted disclosure form into draft content (parsing only; the rules live in drafting)."""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from portal.core.errors import PortalError
from portal.core.storage import StoredFile, remove_upload, store_upload
from portal.disclosures import drafting, payments
from portal.disclosures.forms import DecisionForm
from portal.disclosures.periods import as_month
from portal.disclosures.tables import MAX_BYTES, PreparedTable, TableError, prepare_table, read_table


@dataclass
class Submission:
    """What a form yields: content to save, or a table to show again with its errors."""

    content: dict | None = None
    warnings: list[str] = field(default_factory=list)
    stored: list[StoredFile] = field(default_factory=list)  # new uploads, to attach or to delete
    keep_ids: set = field(default_factory=set)
    table: PreparedTable | None = None  # the upload that was refused, for the preview beside the field

    def discard_uploads(self) -> None:
        for s in self.stored:
            remove_upload(s.stored_name)


def _table(form, previous: dict) -> Submission:
    upload = form.upload.data
    notes = form.notes.data or ""
    if upload is None or not getattr(upload, "filename", ""):
        if not previous.get("rows"):
            raise PortalError(_l("Choose the CSV or XLSX file of the table."), field="upload")
        content = drafting.with_notes(drafting.public_part(previous), notes)
        if previous.get(payments.KEYS_SLOT) is not None:  # the hashes kept at import stay with the rows
            content[payments.KEYS_SLOT] = previous[payments.KEYS_SLOT]
        return Submission(content, [*previous.get("_warnings", []), *drafting.masked_note(notes)])
    data = upload.stream.read(MAX_BYTES + 1)
    try:
        parsed = read_table(data, upload.filename or "table.csv")
        prepared = prepare_table(parsed)
    except TableError as exc:
        raise PortalError(exc.message, field="upload") from exc
    if prepared.errors:
        return Submission(table=prepared)
    content = drafting.table_content(prepared, notes)
    hashes = payments.row_keys(parsed)  # the raw ID and card numbers are seen here only
    if hashes is not None:
        content[payments.KEYS_SLOT] = hashes
    return Submission(content, [str(w.message) for w in prepared.warnings] + drafting.masked_note(notes))


def _attachments(form, previous: dict, request_form) -> Submission:
    current = [f for f in previous.get("files", [])]
    wanted = set(request_form.getlist("keep"))
    keep = {f["id"] for f in current if str(f["id"]) in wanted}
    stored = []
    try:
        for upload in form.files.data or []:
            if getattr(upload, "filename", ""):
                stored.append(store_upload(upload, field="files"))
    except PortalError:
        for s in stored:
            remove_upload(s.stored_name)
        raise
    if not stored and not keep:
        raise PortalError(_l("Add at least one file (JPEG, PNG or PDF)."), field="files")
    files = [f for f in current if f["id"] in keep]
    description = form.description.data or ""
    return Submission(drafting.attachment_content(description, files), drafting.masked_note(description),
                      stored=stored, keep_ids=keep)


def submission(kind: str, form, previous: dict, request_form) -> Submission:
    """Build the draft content of a kind from its validated form."""
    if kind == "text":
        # the page always sends a choice; a client that predates it meant Markdown
        chosen = form.text_format.data if form.text_format.raw_data else "markdown"
        text_format = chosen if chosen in drafting.TEXT_FORMATS else "plain"
        return Submission(drafting.text_content(form.markdown.data or "", text_format),
                          drafting.masked_note(form.markdown.data))
    if kind == "table":
        return _table(form, previous)
    if kind == "decision":
        record = form.record()
        notes = [s.get("note") for s in record.get("steps") or [] if isinstance(s, dict)]
        return Submission(drafting.decision_content(record), drafting.masked_note(record.get("matter"), *notes))
    return _attachments(form, previous, request_form)


def form_data(kind: str, draft: dict) -> dict:
    """Prefill a kind's form from a draft."""
    data = dict(draft.get("_meta") or {})
    data["period_month"] = as_month(data.get("period_start", ""), data.get("period_end", ""))
    if kind == "text":
        data["markdown"] = draft.get("markdown", "")
        data["text_format"] = draft.get("format", "markdown" if draft.get("markdown") else "plain")
    elif kind == "table":
        data["notes"] = draft.get("notes", "")
    elif kind == "decision":
        data.update(DecisionForm.data_from(draft))
    else:
        data["description"] = draft.get("description", "")
    return data
