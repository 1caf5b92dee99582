"""Helpers for the cadre workspace tests: sign in as 上塘村's cadre, post forms, make upload files."""
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.places.models import Village

from demo_ids import OTHER_VILLAGE, VILLAGE


@pytest.fixture
def english(client):
    """Read pages in English so tests can match messages."""
    client.set_cookie("lang", "en")
    return client


@pytest.fixture
def cadre(login_as, english):
    return login_as("cadre_shangtang")


@pytest.fixture
def village(app):
    return db.session.scalar(select(Village).where(Village.code == VILLAGE))


@pytest.fixture
def other_village(app):
    return db.session.scalar(select(Village).where(Village.code == OTHER_VILLAGE))
