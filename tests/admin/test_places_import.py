"""A county starts from one table: townships, villages, cadres, hotlines and accounts; a dry run first,
and an import that changes nothing when any row is wrong."""
import codecs
import io

from demo_ids import COUNTY
from spreadsheets import xlsx_bytes
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.accounts.service import authenticate
from portal.admin.places_import import import_places
from portal.extensions import db
from portal.places.models import Cadre, Township, Village

NEW_TOWNSHIP = COUNTY + "301"
ROWS = [
    ["类型", "代码", "名称", "电话", "职务", "用户名", "纪委书记"],
    ["乡镇", NEW_TOWNSHIP, "青山镇", "0000-3010000", "", "", "王纪检"],
    ["村", NEW_TOWNSHIP + "201", "青山村", "0000-3012010", "", "", ""],
    ["村", NEW_TOWNSHIP + "202", "绿水村", "", "", "", ""],
    ["村干部", NEW_TOWNSHIP + "201", "赵大海", "13900000001", "书记", "", ""],
    ["村干部", NEW_TOWNSHIP + "201", "钱小梅", "", "村务监督委员会主任", "", ""],
    ["热线", NEW_TOWNSHIP + "202", "", "0000-3012020", "", "", ""],
    ["账号", NEW_TOWNSHIP, "王纪检", "", "乡镇纪委", "qingshan.jjw", ""],
    ["账号", NEW_TOWNSHIP + "201", "赵大海", "", "村干部", "qingshan.zhao", ""],
]


def _csv(rows) -> bytes:
    text = "\r\n".join(",".join(row) for row in rows) + "\r\n"
    return codecs.BOM_UTF8 + text.encode("utf-8")


def _counts() -> tuple:
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Township, Village, Cadre, User))


def test_dry_run_shows_what_would_change_and_changes_nothing(ctx, app):
    before = _counts()
    report = import_places(_csv(ROWS), "county.csv", apply=False)
    assert report.ok and not report.applied and report.passwords == []
    # the hotline row updates the village created two rows above it
    assert [r.action for r in report.rows] == ["create"] * 5 + ["update", "create", "create"]
    assert [r.row for r in report.rows] == list(range(2, 10))
    assert _counts() == before


def test_import_creates_everything_and_a_second_run_changes_nothing(ctx, app):
    before = _counts()
    report = import_places(xlsx_bytes(ROWS), "county.xlsx", apply=True)
    assert report.ok and report.applied, [r.errors for r in report.rows]
    assert _counts() == (before[0] + 1, before[1] + 2, before[2] + 2, before[3] + 2)
    township = db.session.scalar(select(Township).where(Township.code == NEW_TOWNSHIP))
    assert township.hotline == "0000-3010000" and township.discipline_secretary == "王纪检"
    village = db.session.scalar(select(Village).where(Village.code == NEW_TOWNSHIP + "202"))
    assert village.supervision_phone == "0000-3012020" and village.name_initials
    roles = {c.name: c.role for c in db.session.scalars(select(Cadre).join(Village).where(
        Village.code == NEW_TOWNSHIP + "201"))}
    assert roles == {"赵大海": "party_secretary", "钱小梅": "supervision_chair"}
    passwords = dict(report.passwords)
    user = authenticate("qingshan.zhao", passwords["qingshan.zhao"])
    assert user is not None and user.village.code == NEW_TOWNSHIP + "201" and user.must_change_password
    again = import_places(_csv(ROWS), "county.csv", apply=True)
    assert again.ok and {r.action for r in again.rows} == {"unchanged"} and again.passwords == []


def test_one_wrong_row_rolls_back_the_whole_import(ctx, app):
    bad = [*ROWS, ["村", NEW_TOWNSHIP + "20X", "坏代码村", "", "", "", ""],
           ["村干部", NEW_TOWNSHIP + "201", "孙某", "", "队长", "", ""], ["部门", "1", "x", "", "", "", ""]]
    before = _counts()
    report = import_places(_csv(bad), "county.csv", apply=True)
    assert not report.applied and [r.row for r in report.errors] == [10, 11, 12]  # header is row 1
    assert "12 digits" in report.errors[0].errors[0] or "12" in report.errors[0].errors[0]
    assert _counts() == before  # the good rows above the bad ones were rolled back too
    assert db.session.scalar(select(Township).where(Township.code == NEW_TOWNSHIP)) is None


def test_a_village_needs_its_township(ctx, app):
    report = import_places(_csv([ROWS[0], ["村", COUNTY + "999201", "孤村", "", "", "", ""]]), "c.csv", apply=False)
    assert not report.ok and COUNTY + "999" in report.errors[0].errors[0]


def test_a_file_without_the_needed_columns_is_refused(app):
    report = import_places(_csv([["名称", "电话"], ["青山镇", "1"]]), "c.csv", apply=True)
    assert report.file_error and not report.applied


def test_cli_dry_run_and_import(ctx, app, runner, tmp_path):
    path = tmp_path / "county.csv"
    path.write_bytes(_csv(ROWS))
    before = _counts()
    result = runner.invoke(args=["import-places", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output and "Nothing was changed" in result.output and _counts() == before
    result = runner.invoke(args=["import-places", str(path)])
    assert result.exit_code == 0, result.output
    assert "temporary password" in result.output and _counts() != before
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv([ROWS[0], ["村", COUNTY + "999201", "孤村", "", "", "", ""]]))
    result = runner.invoke(args=["import-places", str(bad)])
    assert result.exit_code != 0 and "Nothing was changed" in result.output


def test_admin_page_checks_then_imports_the_same_file(ctx, client, admin, forms):
    from admin.conftest import text

    client.set_cookie("lang", "en")
    before = _counts()
    checked = forms.post("/admin/places/import", {"action": "check", "upload": (io.BytesIO(_csv(ROWS)), "c.csv")},
                         content_type="multipart/form-data")
    page = text(checked)
    assert checked.status_code == 200 and "Checked: nothing has changed yet" in page and _counts() == before
    payload = page.split('name="payload" value="', 1)[1].split('"', 1)[0]
    done = forms.post("/admin/places/import", {"action": "import", "payload": payload, "filename": "c.csv"},
                      form_url="/admin/places/import")
    assert done.status_code == 200 and "Temporary passwords of the new accounts" in text(done)
    assert _counts()[1] == before[1] + 2
    bad = forms.post("/admin/places/import", {"action": "import",
                                              "upload": (io.BytesIO(_csv([ROWS[0], ["村", "1", "x"]])), "b.csv")},
                     content_type="multipart/form-data")
    assert bad.status_code == 400 and 'href="#row-2"' in text(bad)


def test_other_roles_cannot_import(client, login_as):
    login_as("handler_baishi")
    assert client.get("/admin/places/import").status_code == 403
