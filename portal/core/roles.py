"""The portal's fixed vocabularies: staff roles, complaint statuses, handling levels.

Each is a str-Enum whose values are the strings stored in the database and named in the
public contracts (DESIGN.md section 4), so a member compares equal to its stored value.
"""
from enum import StrEnum


class Role(StrEnum):
    """What a staff account may do (DESIGN.md section 2); listed in this order."""

    VILLAGE_CADRE = "village_cadre"
    TOWNSHIP_HANDLER = "township_handler"
    COUNTY_HANDLER = "county_handler"
    COUNTY_ADMIN = "county_admin"


ROLES = tuple(Role)
COMPLAINT_ROLES = (Role.TOWNSHIP_HANDLER, Role.COUNTY_HANDLER)
COUNTY_ROLES = (Role.COUNTY_HANDLER, Role.COUNTY_ADMIN)


class Status(StrEnum):
    """A complaint's status (DESIGN.md section 4: exactly these)."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    TRANSFERRED = "transferred"
    IN_PROGRESS = "in_progress"
    CONCLUDED = "concluded"
    UNDER_REVIEW = "under_review"


STATUSES = tuple(Status)
# Still waiting for a handler: a deadline runs, the inbox's "open" filter and the overdue lists show them.
OPEN_STATUSES = (Status.RECEIVED, Status.ACCEPTED, Status.IN_PROGRESS, Status.UNDER_REVIEW)
# Ended without a conclusion the complainant can rate.
CLOSED_STATUSES = (Status.DECLINED, Status.TRANSFERRED)


class Level(StrEnum):
    """Who handles a complaint: the village's township, or the county (escalated)."""

    TOWNSHIP = "township"
    COUNTY = "county"


LEVELS = tuple(Level)
