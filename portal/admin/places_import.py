"""Load a county's townships, villages, cadres, hotlines and staff accounts from one CSV or XLSX table.

One row per thing, with a kind column (乡镇 / 村 / 村干部 / 热线 / 账号). Rows are matched by code (and a
cadre by village, name and post), so importing the same file twice changes nothing. The whole file is
one transaction: a dry run, or any wrong row, rolls everything back.
"""
import secrets
import unicodedata
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.accounts import service as accounts
from portal.admin import places_service as places
from portal.core import audit
from portal.core.db import begin_write
from portal.core.errors import PortalError
from portal.core.roles import ROLES, Role
from portal.disclosures.table_files import TableError, read_table
from portal.extensions import db
from portal.places.models import CADRE_ROLES, Cadre, Village
from portal.places.service import touch_village

HEADERS = {
    "kind": "类型 种类 kind type", "code": "代码 编码 区划代码 code", "name": "名称 姓名 name",
    "phone": "电话 热线 phone hotline", "role": "职务 角色 role", "username": "用户名 账号 username",
    "secretary": "纪委书记 discipline_secretary", "email": "邮箱 email",
}
_HEADER_KEYS = {word.lower(): key for key, words in HEADERS.items() for word in words.split()}
KINDS = {
    "township": "township 乡镇 乡 镇 街道", "village": "village 村 行政村 社区",
    "cadre": "cadre 村干部 干部", "hotline": "hotline 热线 监督电话", "account": "account 账号 用户",
}
_KIND_WORDS = {word.lower(): key for key, words in KINDS.items() for word in words.split()}
CADRE_ROLE_WORDS = {
    "书记": "party_secretary", "党组织书记": "party_secretary", "村党组织书记": "party_secretary",
    "主任": "committee_director", "村委会主任": "committee_director",
    "监委会主任": "supervision_chair", "村务监督委员会主任": "supervision_chair", "村监委主任": "supervision_chair",
    "报账员": "bookkeeper", "会计": "bookkeeper", "委员": "member",
}
ACCOUNT_ROLE_WORDS = {"村干部": Role.VILLAGE_CADRE, "乡镇纪委": Role.TOWNSHIP_HANDLER,
                      "纪检专干": Role.TOWNSHIP_HANDLER, "乡镇纪委书记": Role.TOWNSHIP_HANDLER,
                      "县纪委": Role.COUNTY_HANDLER, "县纪委监委": Role.COUNTY_HANDLER, "县管理员": Role.COUNTY_ADMIN}


@dataclass
class RowResult:
    row: int
    kind: str
    action: str  # create | update | unchanged | error
    what: str
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)
    file_error: str | None = None
    applied: bool = False
    passwords: list[tuple[str, str]] = field(default_factory=list)  # new accounts: username, temporary password

    @property
    def errors(self) -> list[RowResult]:
        return [r for r in self.rows if r.action == "error"]

    @property
    def ok(self) -> bool:
        return self.file_error is None and not self.errors and bool(self.rows)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def import_places(data: bytes, filename: str, *, apply: bool, actor=None) -> ImportReport:
    """Check (and, when apply is true and every row is right, commit) a county import; never half an import."""
    report = ImportReport()
    try:
        parsed = read_table(data, filename)
    except TableError as exc:
        report.file_error = str(exc.message)
        return report
    keys = {i: _HEADER_KEYS.get(_norm(c).lower()) for i, c in enumerate(parsed.columns)}
    if "kind" not in keys.values() or "code" not in keys.values():
        report.file_error = str(_l("The table needs at least the columns 类型 (kind) and 代码 (code)."))
        return report
    begin_write()
    try:
        for number, cells in zip(parsed.row_numbers, parsed.rows, strict=True):
            row = {key: _norm(cells[i]) for i, key in keys.items() if key}
            kind = _KIND_WORDS.get(row.get("kind", "").lower(), "")
            try:
                if not kind:
                    raise PortalError(_l("Unknown kind “%(kind)s”: use 乡镇, 村, 村干部, 热线 or 账号.",
                                         kind=row.get("kind", "")), field="kind")
                action, what = _ROWS[kind](row, actor, report)
                report.rows.append(RowResult(number, kind, action, what))
            except PortalError as exc:
                report.rows.append(RowResult(number, kind or row.get("kind", ""), "error",
                                             row.get("code", ""), [str(exc.message)]))
        if apply and report.ok:
            audit.record("places_import", "county", None, f"{filename}: {len(report.rows)} rows", user=actor)
            db.session.commit()
            report.applied = True
        else:
            db.session.rollback()
            report.passwords = []  # the accounts were not created
    except BaseException:
        db.session.rollback()
        raise
    return report


def _township(row, actor, report):
    code, name = row.get("code", ""), row.get("name", "")
    existing = places.get_township(code)
    if existing is None:
        places.create_township(code, name, hotline=row.get("phone"), discipline_secretary=row.get("secretary"),
                               actor=actor)
        return "create", f"{code} {name}"
    before = (existing.name, existing.hotline, existing.discipline_secretary)
    places.update_township(existing, name or existing.name, hotline=row.get("phone") or existing.hotline,
                           discipline_secretary=row.get("secretary") or existing.discipline_secretary,
                           liaison_cadre=existing.liaison_cadre, actor=actor)
    after = (existing.name, existing.hotline, existing.discipline_secretary)
    return ("unchanged" if before == after else "update"), f"{code} {existing.name}"


def _village(row, actor, report):
    code, name = row.get("code", ""), row.get("name", "")
    existing = places.get_village(code)
    if existing is None:
        township = places.get_township(code[:9]) if len(code) == 12 else None
        if township is None:
            raise PortalError(_l("No township %(code)s: list the township above its villages.", code=code[:9]),
                              field="code")
        places.create_village(township, code, name, supervision_phone=row.get("phone"), actor=actor)
        return "create", f"{code} {name}"
    before = (existing.name, existing.supervision_phone)
    places.update_village(existing, name or existing.name,
                          supervision_phone=row.get("phone") or existing.supervision_phone, actor=actor)
    return ("unchanged" if before == (existing.name, existing.supervision_phone) else "update"), \
        f"{code} {existing.name}"


def _village_for(code: str) -> Village:
    village = places.get_village(code)
    if village is None:
        raise PortalError(_l("No village %(code)s: list the village above its cadres.", code=code), field="code")
    return village


def _cadre(row, actor, report):
    village = _village_for(row.get("code", ""))
    role_text = row.get("role", "")
    role = role_text if role_text in CADRE_ROLES else CADRE_ROLE_WORDS.get(role_text)
    if role is None:
        raise PortalError(_l("Unknown post “%(role)s”.", role=role_text), field="role")
    name = places._text(row.get("name"), "name")
    phone = places._phone(row.get("phone"), "phone")
    existing = db.session.scalar(select(Cadre).where(Cadre.village_id == village.id, Cadre.name == name,
                                                     Cadre.role == role))
    if existing is not None:
        if phone and phone != existing.phone:
            existing.phone = phone
            touch_village(village)
            return "update", f"{village.name} {name}"
        return "unchanged", f"{village.name} {name}"
    db.session.add(Cadre(village_id=village.id, name=name, role=role, phone=phone,
                         sort_order=CADRE_ROLES.index(role)))
    touch_village(village)
    audit.record("cadre_create", "village", village.code, f"{name} {role}", user=actor)
    return "create", f"{village.name} {name}"


def _hotline(row, actor, report):
    code, phone = row.get("code", ""), row.get("phone", "")
    if not phone:
        raise PortalError(_l("Give the phone number."), field="phone")
    if len(code) == 9 and (township := places.get_township(code)) is not None:
        before = township.hotline
        places.update_township(township, township.name, hotline=phone,
                               discipline_secretary=township.discipline_secretary,
                               liaison_cadre=township.liaison_cadre, actor=actor)
        return ("unchanged" if before == township.hotline else "update"), f"{code} {township.name}"
    village = _village_for(code)
    before = village.supervision_phone
    places.update_village(village, village.name, supervision_phone=phone, actor=actor)
    return ("unchanged" if before == village.supervision_phone else "update"), f"{code} {village.name}"


def _account(row, actor, report):
    username = accounts.normalize_username(row.get("username", ""))
    role_text = row.get("role", "")
    role = role_text if role_text in ROLES else ACCOUNT_ROLE_WORDS.get(role_text)
    if role is None:
        raise PortalError(_l("Unknown role “%(role)s”.", role=role_text), field="role")
    if accounts.get_user(username) is not None:
        return "unchanged", username  # existing accounts are managed one by one, never overwritten
    code = row.get("code", "")
    password = secrets.token_urlsafe(12)
    accounts.create_user(username, role, password, township_code=code if role == Role.TOWNSHIP_HANDLER else None,
                         village_code=code if role == Role.VILLAGE_CADRE else None,
                         display_name=row.get("name") or None, email=row.get("email") or None, temporary=True,
                         actor=actor)
    report.passwords.append((username, password))
    return "create", f"{username} ({role})"


_ROWS = {"township": _township, "village": _village, "cadre": _cadre, "hotline": _hotline, "account": _account}
