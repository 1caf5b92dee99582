"""Where the public reads one published revision: one rule for the record page, feeds and the home page."""
from flask import url_for

from portal.records.models import PublishedRevision


def revision_path(code: str, revision: PublishedRevision) -> str:
    """The public path of a revision (its subject at that revision, or its place in the record)."""
    if revision.subject_type == "disclosure":
        return url_for("disclosures.disclosure_show", code=code, disclosure_id=revision.subject_id,
                       revision=revision.number)
    if revision.subject_type == "power_item":
        return url_for("powers.item_show", code=code, item_id=revision.subject_id, revision=revision.number)
    if revision.subject_type == "duty_report":
        return url_for("duty.report_show", code=code, report_id=revision.subject_id)
    return url_for("records.chain_show", code=code, _anchor=f"seq-{revision.chain_seq}")
