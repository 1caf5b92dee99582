"""Each kind of revision content has a declared shape, checked when it is written to the record."""
import pytest
from demo_ids import VILLAGE
from sqlalchemy import func, select

from portal.core.shapes import ShapeError, check
from portal.disclosures.models import Disclosure
from portal.disclosures.shapes import DisclosureContent, TextContent
from portal.duty.shapes import DutyReportContent, EvaluationContent
from portal.extensions import db
from portal.places.models import Village
from portal.powers.shapes import PowerItemContent
from portal.records import service as records
from portal.records.models import PublishedRevision
from portal.records.redaction import RedactionContent

SHAPES = {"disclosure": DisclosureContent, "duty_report": DutyReportContent, "evaluation": EvaluationContent,
          "power_item": PowerItemContent, "redaction": RedactionContent}


def test_every_revision_of_the_demo_has_the_shape_of_its_kind(ctx, app):
    kinds = set()
    for revision in db.session.scalars(select(PublishedRevision)):
        check(revision.content, SHAPES[revision.subject_type], f"revision {revision.id}")
        kinds.add(revision.subject_type)
    assert {"disclosure", "duty_report", "evaluation", "power_item"} <= kinds


@pytest.mark.parametrize("content, problem", [
    ({"kind": "text", "markdown": "收支", "html": "<p>收支</p>", "colour": "red"}, "colour"),
    ({"kind": "text", "html": "<p>收支</p>"}, "markdown"),
    ({"kind": "text", "markdown": 12, "html": ""}, "markdown"),
    ({"kind": "decision", "matter": "修路", "dual_role": "yes", "steps": [], "breaches": []}, "dual_role"),
    ({"kind": "decision", "matter": "修路", "dual_role": True, "steps": [{"step": "proposal", "for": True}],
      "breaches": []}, "steps[0].for"),
    ({"kind": "novel", "markdown": "", "html": ""}, "kind"),
])
def test_content_without_its_shape_is_refused_and_nothing_is_written(ctx, app, content, problem):
    village = db.session.scalar(select(Village).where(Village.code == VILLAGE))
    disclosure = Disclosure(village=village, village_id=village.id, domain="village", kind="text", topic="other",
                            title="收支说明")
    db.session.add(disclosure)
    db.session.flush()
    before = db.session.scalar(select(func.count()).select_from(PublishedRevision))
    length = village.chain_length
    with pytest.raises(ShapeError) as refused:
        records.publish(disclosure, subject_type="disclosure", content=content, title="收支说明", reason=None,
                        user_id=None)
    assert problem in str(refused.value)
    assert db.session.scalar(select(func.count()).select_from(PublishedRevision)) == before
    assert village.chain_length == length
    db.session.rollback()


def test_the_checker_reads_nested_shapes_and_tells_true_from_one():
    check({"kind": "text", "markdown": "a", "html": "<p>a</p>", "format": "plain"}, TextContent)
    with pytest.raises(ShapeError, match="format"):
        check({"kind": "text", "markdown": "a", "html": "", "format": "rtf"}, TextContent)
    with pytest.raises(ShapeError, match="meta.domain"):
        check({"kind": "text", "markdown": "a", "html": "", "meta": {"domain": 1, "topic": None,
               "period_label": None, "period_start": None, "period_end": None}}, TextContent)
    with pytest.raises(ShapeError, match="voter_count"):
        check({"kind": "evaluation", "opened_at": None, "closed_at": None, "voter_count": True, "results": []},
              EvaluationContent)
