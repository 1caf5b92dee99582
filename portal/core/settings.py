"""County-wide settings the admin can change (deadlines, thresholds)."""
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import JSONType
from portal.extensions import db


class Setting(db.Model):
    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict | int | str | None] = mapped_column(JSONType)


def get_setting(key: str, default=None):
    """Return a stored setting or the default."""
    row = db.session.get(Setting, key)
    return default if row is None else row.value


def set_setting(key: str, value) -> None:
    """Store a setting (the caller commits)."""
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
