"""Sunshine duty reports: drafted per cadre and period in eight sections, published and corrected on the chain."""
from demo_ids import OTHER_VILLAGE, VILLAGE
from disclosures.support import chain_length
from records.support import page_danger
from sqlalchemy import func, select

from portal.duty.models import SECTIONS, DutyReport
from portal.extensions import db
from portal.places.models import Cadre, Village


def _text(response) -> str:
    return response.get_data(as_text=True)


def _cadre(village_code: str, name: str) -> Cadre:
    return db.session.scalar(select(Cadre).join(Village).where(Village.code == village_code, Cadre.name == name))


def _sections(**overrides) -> dict:
    sections = {key: f"{key} 的内容" for key in SECTIONS}
    sections.update(duties="全面负责村两委工作，完成**村道硬化**。", integrity="近亲属未承接村级工程。")
    sections.update(overrides)
    return sections


def _new(forms, cadre_name="周晓燕", period="2025", **overrides):
    data = {"cadre": str(_cadre(VILLAGE, cadre_name).id), "period": period,
            "title": f"{cadre_name}{period}年度述责述廉报告", **_sections(**overrides)}
    return forms.post("/publish/reports/new", data)


def _id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _publish(forms, report_id):
    return forms.post(f"/publish/reports/{report_id}/publish", {}, form_url=f"/publish/reports/{report_id}")


def test_form_offers_the_eight_sections_and_only_own_cadres(client, cadre):
    page = _text(client.get("/publish/reports/new"))
    for key in SECTIONS:
        assert f'name="{key}"' in page
    assert "周晓燕" in page and "李德明" in page and "吴志强" not in page  # 吴志强 serves 溪口村


def test_report_is_previewed_published_and_shown_publicly(ctx, client, forms, cadre):
    report_id = _id(_new(forms))
    preview = _text(client.get(f"/publish/reports/{report_id}"))
    assert "<strong>村道硬化</strong>" in preview and "Nothing is public until you publish" in preview
    assert client.get(f"/villages/{VILLAGE}/reports/{report_id}").status_code == 404
    before = chain_length()
    _publish(forms, report_id)
    assert chain_length() == before + 1
    report = db.session.get(DutyReport, report_id)
    assert report.status == "published" and report.cadre_role == "bookkeeper" and report.period == "2025"
    content = report.current_revision.content
    assert content["kind"] == "duty_report" and set(content["sections"]) == set(SECTIONS)
    public = _text(client.get(f"/villages/{VILLAGE}/reports/{report_id}"))
    assert "近亲属未承接村级工程" in public
    assert "周晓燕2025年度述责述廉报告" in _text(client.get(f"/villages/{VILLAGE}"))


def test_one_report_per_cadre_and_period(ctx, client, forms, cadre):
    _id(_new(forms))
    count = db.session.scalar(select(func.count()).select_from(DutyReport))
    response = _new(forms)
    assert response.status_code == 400 and "already has a report for 2025" in _text(response)
    assert db.session.scalar(select(func.count()).select_from(DutyReport)) == count


def test_a_cadre_of_another_village_cannot_be_chosen(ctx, client, forms, cadre):
    stranger = _cadre(OTHER_VILLAGE, "吴志强")
    count = db.session.scalar(select(func.count()).select_from(DutyReport))
    response = forms.post("/publish/reports/new", {"cadre": str(stranger.id), "period": "2025", "title": "冒名报告",
                                                    **_sections()})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(DutyReport)) == count


def test_sections_are_sanitized(ctx, client, forms, cadre):
    report_id = _id(_new(forms, duties="<script>alert(1)</script>[x](javascript:alert(1))<img src=x onerror=alert(1)>"))
    _publish(forms, report_id)
    assert page_danger(_text(client.get(f"/villages/{VILLAGE}/reports/{report_id}"))) is None


def test_correction_needs_a_reason_and_publishes_revision_two_with_a_diff(ctx, client, forms, cadre):
    report_id = _id(_new(forms))
    _publish(forms, report_id)
    edit = f"/publish/reports/{report_id}/edit"
    assert "村道硬化" in _text(client.get(edit))
    data = {"title": "周晓燕2025年度述责述廉报告", **_sections(funds="经手集体资金 86.4 万元。")}
    refused = forms.post(edit, {**data, "reason": ""})
    assert refused.status_code == 400 and 'id="reason-error"' in _text(refused)
    assert forms.post(edit, {**data, "reason": "补充资金情况"}).status_code == 302
    assert "86.4" not in _text(client.get(f"/villages/{VILLAGE}/reports/{report_id}"))
    _publish(forms, report_id)
    report = db.session.get(DutyReport, report_id)
    assert report.revision_count == 2 and report.current_revision.reason == "补充资金情况"
    diff = _text(client.get(f"/villages/{VILLAGE}/reports/{report_id}/diff?from=1&to=2"))
    assert "<ins>经手集体资金" in diff and "<del>funds" in diff and "补充资金情况" in diff
    assert "86.4" in _text(client.get(f"/villages/{VILLAGE}/reports/{report_id}"))


def test_publishing_an_empty_report_shows_its_form_with_the_message_beside_the_field(ctx, client, forms, cadre):
    report_id = _id(_new(forms, **{key: "" for key in SECTIONS}))
    before = chain_length()
    refused = _publish(forms, report_id)
    page = _text(refused)
    assert refused.status_code == 400 and chain_length() == before
    assert 'id="duties-error"' in page and "Write at least one section before publishing." in page
    assert f'action="/publish/reports/{report_id}/edit"' in page and "周晓燕2025年度述责述廉报告" in page
    assert db.session.get(DutyReport, report_id).status == "draft"
