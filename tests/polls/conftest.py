"""Fixtures of the poll tests: signing in mid-test."""
import pytest
from flask import g


@pytest.fixture
def as_user(login_as):
    """Sign the client in as a demo account, also after earlier requests.

    The app fixture keeps one app context for the whole test, so Flask-Login's
    cached user in ``g`` would outlive a change of account.
    """

    def _as(username: str):
        g.pop("_login_user", None)
        return login_as(username)

    return _as
