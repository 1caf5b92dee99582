"""begin_write: a read-only transaction gives way, one holding changes is refused, never committed by accident."""
import pytest
from demo_ids import OTHER_VILLAGE, VILLAGE
from sqlalchemy import select

from portal.core.db import PendingChangesError, begin_write, write_transaction
from portal.extensions import db
from portal.places.models import Village


def _village(code):
    return db.session.scalar(select(Village).where(Village.code == code))


def _phone_in_database(app, code):
    with app.app_context():  # a second session, which sees committed rows only
        db.session.remove()
        with db.engine.connect() as conn:
            return conn.scalar(select(Village.supervision_phone).where(Village.code == code))


def test_a_read_only_transaction_gives_way_to_the_writer(ctx, app):
    assert _village(VILLAGE) is not None  # a read: the session is now inside a transaction
    with write_transaction():
        _village(VILLAGE).supervision_phone = "0574-11112222"
    assert _phone_in_database(app, VILLAGE) == "0574-11112222"


def test_unflushed_changes_are_refused_not_committed(ctx, app):
    before = _phone_in_database(app, VILLAGE)
    _village(VILLAGE).supervision_phone = "0574-99990000"
    with pytest.raises(PendingChangesError), write_transaction():
        _village(OTHER_VILLAGE).supervision_phone = "0574-12345678"
    db.session.rollback()
    assert _phone_in_database(app, VILLAGE) == before


def test_flushed_changes_are_refused_too(ctx, app):
    before = _phone_in_database(app, VILLAGE)
    _village(VILLAGE).supervision_phone = "0574-99990000"
    db.session.flush()
    with pytest.raises(PendingChangesError):
        begin_write()
    db.session.rollback()
    assert _phone_in_database(app, VILLAGE) == before
    begin_write()  # after the rollback the writer may start
    db.session.rollback()
