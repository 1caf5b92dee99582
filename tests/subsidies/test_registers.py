"""What the rules compare with: cadres' relatives, the township's deceased, the county's standards (pages)."""
from sqlalchemy import select

from portal.extensions import db
from portal.subsidies.models import CadreRelative, DeceasedPerson, SubsidyStandard


def test_cadre_declares_and_withdraws_a_relative_stored_as_hash(ctx, client, forms, as_user, english):
    as_user("cadre_shangtang")
    url = "/publish/relatives/"
    bad = forms.post(url, {"name": "", "relation": "cousin", "id_number": "339901198804120057"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400
    for field in ("name", "relation", "id_number"):
        assert f'id="error-{field}"' in page
    assert 'value="339901198804120057"' in page
    assert db.session.scalar(select(CadreRelative).where(CadreRelative.name == "")) is None
    assert forms.post(url, {"name": "陈小明", "relation": "child", "id_number": "110101199003074477"}
                      ).status_code == 303
    listed = client.get(url).get_data(as_text=True)
    assert "陈小明" in listed and "110101********4477" in listed and "110101199003074477" not in listed
    relative = db.session.scalar(select(CadreRelative).where(CadreRelative.name == "陈小明"))
    assert relative.cadre_name == "陈建国" and len(relative.id_hash) == 64 and "1990030" not in relative.masked_id
    again = forms.post(url, {"name": "陈小明", "relation": "child", "id_number": "110101199003074477"})
    assert again.status_code == 400 and "already declared" in again.get_data(as_text=True)
    relative_id = relative.id
    assert forms.post("/publish/relatives/withdraw", {"relative": relative_id}, form_url=url).status_code == 303
    assert db.session.get(CadreRelative, relative_id) is None


def test_only_cadres_declare_relatives(client, as_user):
    as_user("handler_baishi")
    assert client.get("/publish/relatives/").status_code == 403


def test_township_enters_and_uploads_the_deceased(ctx, client, forms, as_user, english):
    as_user("handler_liutang")
    url = "/oversight/payment-lists/deceased"
    bad = forms.post(url, {"name": "钱七", "id_number": "12345", "died_on": "2999-01-01"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'id="error-id_number"' in page and 'id="error-died_on"' in page
    assert forms.post(url, {"name": "钱七", "id_number": "110101199003074477", "died_on": "2026-01-05"}
                      ).status_code == 303
    csv_ok = "姓名,身份证号,死亡日期\n孙八,339901196203150015,2026-02-01\n钱七,110101199003074477,\n".encode("gbk")
    uploaded = forms.post(url, {"upload": (__import__("io").BytesIO(csv_ok), "deaths.csv")},
                          content_type="multipart/form-data", follow_redirects=True)
    assert "1 persons added, 1 already on the list." in uploaded.get_data(as_text=True)
    csv_bad = "姓名,身份证号\n周九,339901196203150016\n".encode()
    refused = forms.post(url, {"upload": (__import__("io").BytesIO(csv_bad), "bad.csv")},
                         content_type="multipart/form-data")
    assert refused.status_code == 400 and "Row 2: This ID card number is not valid" in refused.get_data(as_text=True)
    names = {p.name for p in db.session.scalars(select(DeceasedPerson))}
    assert {"钱七", "孙八"} <= names and "周九" not in names
    as_user("county_handler")  # the county reads the queue but keeps no township's list
    assert client.get(url).status_code == 403


def test_county_admin_sets_a_standard(ctx, client, forms, as_user, english):
    as_user("county_admin")
    url = "/admin/subsidy-standards"
    assert "耕地地力保护补贴" in client.get(url).get_data(as_text=True)
    bad = forms.post(url, {"item": "", "max_amount": "-3", "note": ""})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'id="error-item"' in page and 'id="error-max_amount"' in page
    assert forms.post(url, {"item": "耕地地力保护补贴", "max_amount": "1,000.5", "note": ""}).status_code == 303
    standard = db.session.scalar(select(SubsidyStandard).where(SubsidyStandard.item == "耕地地力保护补贴"))
    assert str(standard.max_amount) == "1000.50"
    assert forms.post(url, {"item": "生猪调出大县奖励", "max_amount": "800", "note": "每户"}).status_code == 303
    assert db.session.scalar(select(SubsidyStandard).where(SubsidyStandard.item == "生猪调出大县奖励")) is not None
    as_user("handler_baishi")
    assert client.get(url).status_code == 403
