"""What a village's public page derives from its published records, kept once per village (oversight.page_facts)."""
from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import JSONType
from portal.extensions import db


class VillagePageFacts(db.Model):
    """One village's missing obligations, late count, power item count, latest statement figures and lists.

    Valid only for the village's `content_version`, the county's date `computed_on` and the rules `basis`
    it was computed with; the page checks all three and computes the facts itself otherwise.
    """

    __tablename__ = "village_page_facts"
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="CASCADE"), primary_key=True)
    content_version: Mapped[int] = mapped_column(Integer)
    computed_on: Mapped[date] = mapped_column(Date)
    basis: Mapped[str] = mapped_column(String(64))
    # [[kind, start, end, due], …] of each missing obligation, newest first (ISO dates)
    missing: Mapped[list] = mapped_column(JSONType)
    late_count: Mapped[int] = mapped_column(Integer)
    power_count: Mapped[int] = mapped_column(Integer)
    # The newest finance table that reads as a statement of income and expense, and its [[kind, amount], …]
    statement_id: Mapped[int | None] = mapped_column(Integer)
    statement_title: Mapped[str | None] = mapped_column(Text)
    figures: Mapped[list] = mapped_column(JSONType)
    # The page's lists: [[role, dual_role, name], …], the latest disclosures of each kind
    # [[id, title, domain, period_label, last_published_at, revision_count, breach_count], …], duty reports
    # [[id, title, cadre_name, period], …]
    cadres: Mapped[list] = mapped_column(JSONType)
    disclosures: Mapped[list] = mapped_column(JSONType)
    reports: Mapped[list] = mapped_column(JSONType)
