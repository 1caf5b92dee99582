"""Helpers for the admin tests: a signed-in county admin and the pages' error markers."""
import pytest

from portal.core.audit import AuditEntry
from portal.extensions import db


def text(response) -> str:
    return response.get_data(as_text=True)


def field_error(html: str, field: str) -> bool:
    """Tell whether a form page shows an error beside the field and in the summary."""
    return f'id="{field}-error"' in html and 'class="error-summary"' in html and f'href="#{field}"' in html


def audit_actions() -> list[str]:
    db.session.expire_all()
    return [entry.action for entry in db.session.query(AuditEntry).order_by(AuditEntry.id)]


@pytest.fixture
def admin(auth):
    """Sign the test client in as the county admin."""
    assert auth.login("county_admin").status_code == 302
    return auth
