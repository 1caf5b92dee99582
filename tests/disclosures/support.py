"""Helpers shared by the cadre workspace tests."""
import io

from demo_ids import VILLAGE
from sqlalchemy import func, select

from portal.extensions import db
from portal.places.models import Village
from portal.records.models import PublishedRevision


def chain_length(village_code: str = VILLAGE) -> int:
    """Count the village's published revisions straight from the table."""
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(PublishedRevision).join(Village)
                             .where(Village.code == village_code))


def upload(data: bytes, name: str):
    return (io.BytesIO(data), name)


META = {"domain": "finance", "topic": "finance_monthly", "title": "上塘村2025年3月财务收支明细",
        "period_label": "2025年3月", "period_start": "2025-03-01", "period_end": "2025-03-31"}


def new_disclosure(forms, kind: str, fields: dict, meta: dict | None = None, **kwargs):
    """Post the new-disclosure form of a kind; return the response (not followed)."""
    url = f"/publish/disclosures/new/{kind}"
    multipart = {"content_type": "multipart/form-data"} if kind in ("table", "attachment") else {}
    return forms.post(url, {**META, **(meta or {}), **fields}, **multipart, **kwargs)


def disclosure_id_of(response) -> int:
    """Read the disclosure id from the redirect to its preview."""
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def publish(forms, disclosure_id: int):
    return forms.post(f"/publish/disclosures/{disclosure_id}/publish", {},
                      form_url=f"/publish/disclosures/{disclosure_id}")
