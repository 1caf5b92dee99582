"""Publishing a disclosure or duty report as a new chained revision."""
from sqlalchemy import select

from portal.core.errors import PortalError
from portal.extensions import db
from portal.records import chain
from portal.records.models import PublishedRevision


def publish(subject, *, subject_type: str, content: dict, title: str, reason: str | None,
            user_id: int | None) -> PublishedRevision:
    """Publish the subject's content as its next revision (call inside a write transaction).

    A published revision is never changed: a correction is a new revision and
    must say why.
    """
    chain.lock_chain(subject.village)
    # Someone published this very draft while we waited for the village's chain: say so, store nothing.
    committed = db.session.scalar(select(type(subject).revision_count).where(type(subject).id == subject.id))
    if (committed or 0) != (subject.revision_count or 0):
        from flask_babel import lazy_gettext as _l

        raise PortalError(_l("Someone else published this at the same moment. Reload the page to see the "
                             "published version, then try again if something is still missing."))
    number = (subject.revision_count or 0) + 1
    reason = (reason or "").strip() or None
    if number > 1 and not reason:
        from flask_babel import lazy_gettext as _l

        raise PortalError(_l("Say why you are correcting what was published."), field="reason")
    revision = chain.append(
        subject.village, subject_type=subject_type, subject_id=subject.id, number=number, title=title,
        content=content, shape=type(subject).CONTENT_SHAPE, reason=reason if number > 1 else None, user_id=user_id,
    )
    now = revision.published_at
    subject.status = "published"
    subject.revision_count = number
    subject.first_published_at = subject.first_published_at or now
    subject.last_published_at = now
    subject.title = title
    subject.draft_content = None
    subject.draft_reason = None
    subject.current_revision = revision
    return revision


