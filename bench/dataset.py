"""Build (once) and cache the benchmark databases: the demo county, 3,000 and 30,000 villages.

The cache is keyed by the demo data and this generator, not by the migrations:
a cached database is brought to the current schema with `upgrade` before each
run, as a production database would be, so a new migration does not force a
rebuild of millions of rows.
"""
import hashlib
import json
import os
import random
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import sqlalchemy as sa

from bench.bulk import Loader
from bench.names import township_names, village_names

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".bench"
GENERATOR_VERSION = 4
# At 30,000 villages: 3,000,000 power items, 1,000,000 disclosures (each one published
# revision) and 1,000,000 complaints, as a province has (DESIGN.md section 5).
POWER_ITEMS_PER_VILLAGE = 100
DISCLOSURES_PER_VILLAGE = 33
COMPLAINTS_PER_VILLAGE = 33
VILLAGES_PER_TOWNSHIP = 25
# A township code is the county's six digits and three more (301…999 here, as the demo uses 1xx/2xx).
MAX_TOWNSHIPS = 699
SIZES = {"demo": 9, "3000": 3_000, "30000": 30_000}
STATUS_MIX = (("received", 10), ("accepted", 15), ("in_progress", 25), ("concluded", 40), ("declined", 5),
              ("transferred", 3), ("under_review", 2))


@dataclass
class Dataset:
    size: str
    url: str
    meta: dict


def schema_key() -> str:
    """Key the cache by the migrations, the demo data and this generator."""
    digest = hashlib.sha256(f"v{GENERATOR_VERSION}".encode())
    for folder in (ROOT / "portal" / "demo", ROOT / "bench"):
        for path in sorted(folder.glob("*.py")):
            if folder.name == "bench" and path.name not in ("dataset.py", "bulk.py", "names.py"):
                continue
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def ensure(size: str, pg_server_url: str | None, log=print) -> Dataset:
    """Return the cached database of this size, generating it first when missing."""
    key = schema_key()
    folder = CACHE / key
    folder.mkdir(parents=True, exist_ok=True)
    meta_path = folder / f"{size}{'.pg' if pg_server_url else ''}.json"
    if pg_server_url:
        name = f"bench_{size}_{key}"
        url = sa.engine.make_url(pg_server_url).set(database=name).render_as_string(hide_password=False)
        exists = _pg_exists(pg_server_url, name)
    else:
        url = f"sqlite:///{folder / f'{size}.sqlite3'}"
        exists = (folder / f"{size}.sqlite3").exists()
    if exists and meta_path.exists():
        _upgrade(url, folder / "instance", log)
        return Dataset(size, url, json.loads(meta_path.read_text()))
    _remove_stale(key, log)
    started = time.monotonic()
    log(f"generating the {size} database ({SIZES[size]:,} villages; cached in {folder}) …")
    if pg_server_url:
        _pg_recreate(pg_server_url, name)
    else:
        (folder / f"{size}.sqlite3").unlink(missing_ok=True)
    _migrate_and_seed(url, folder / "instance")
    meta = generate(url, SIZES[size], log) if SIZES[size] > 9 else _meta(url, random.Random(9))
    _upgrade(url, folder / "instance", log)  # the generated villages' page facts
    meta_path.write_text(json.dumps(meta, ensure_ascii=False))
    log(f"  {size} database ready in {time.monotonic() - started:.0f} s")
    return Dataset(size, url, meta)


def _remove_stale(key: str, log) -> None:
    for old in CACHE.iterdir() if CACHE.exists() else ():
        if old.is_dir() and old.name not in (key, "instance", "work"):
            log(f"  removing stale cache {old.name}")
            shutil.rmtree(old, ignore_errors=True)


def _pg_admin(server_url: str):
    admin = sa.engine.make_url(server_url).set(database="postgres")
    return sa.create_engine(admin, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def _pg_exists(server_url: str, name: str) -> bool:
    with _pg_admin(server_url).connect() as conn:
        return conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is not None


def _pg_recreate(server_url: str, name: str) -> None:
    with _pg_admin(server_url).connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))


def _migrate_and_seed(url: str, instance: Path) -> None:
    """Build the schema by the migrations, load the demo county and file one complaint through the API."""
    os.environ.setdefault("PORTAL_INSTANCE", str(instance))
    from flask_migrate import upgrade

    from portal import create_app
    from portal.demo.seed import seed_demo
    from portal.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "TESTING": True})
    with app.app_context():
        upgrade(revision="heads")
        seed_demo()
        village = db.session.execute(sa.text("SELECT code FROM village ORDER BY id LIMIT 1")).scalar()
        db.session.remove()
        # The complaint's row and events are the prototypes of the generated ones.
        response = app.test_client().post("/api/v1/complaints", json={
            "village": village, "category": "collective_assets", "about": "村委会",
            "description": "基准测试用的样例检举，内容足够长以通过检查。", "anonymous": True})
        if response.status_code != 201:
            raise RuntimeError(f"POST /api/v1/complaints answered {response.status_code}: "
                               f"{response.get_data(as_text=True)[:500]}")
        db.session.remove()
        db.engine.dispose()


def _upgrade(url: str, instance: Path, log=print) -> None:
    """Bring a cached database to the current schema (a no-op when it is current) and renew the village
    pages' kept facts, as the jobs runner does after midnight (a no-op when they are from today)."""
    os.environ.setdefault("PORTAL_INSTANCE", str(instance))
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db
    from portal.oversight import page_facts

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "TESTING": True})
    with app.app_context():
        upgrade(revision="heads")
        started, total = time.monotonic(), 0
        while count := page_facts.refresh(batch=500, batches=20):
            total += count
        if total:
            log(f"  page facts of {total:,} villages renewed in {time.monotonic() - started:.0f} s")
        db.session.remove()
        db.engine.dispose()


def _weighted(rng: random.Random, mix) -> str:
    return rng.choices([m[0] for m in mix], weights=[m[1] for m in mix])[0]


def generate(url: str, villages_total: int, log=print) -> dict:
    """Add townships, villages, cadres, power items, disclosures and complaints in bulk."""
    from portal.complaints.models import CATEGORIES
    from portal.places.search import pinyin_of
    from portal.records.chain import GENESIS, compute_hash

    rng = random.Random(villages_total)
    loader = Loader(url)
    now = datetime.now(UTC).replace(microsecond=0)
    county_id, county_code = loader.query("SELECT id, code FROM county ORDER BY id LIMIT 1")[0]
    existing = loader.query("SELECT id, code, name, township_id FROM village ORDER BY id")
    demo_village_id = existing[0][0]
    new_count = max(villages_total - len(existing), 0)

    # Townships and villages.
    t_proto, t_id = loader.prototype("township"), loader.next_id("township")
    per_township = max(VILLAGES_PER_TOWNSHIP, -(-new_count // MAX_TOWNSHIPS))  # codes stay 9 and 12 digits
    t_count = -(-new_count // per_township)
    townships = [(t_id + i, f"{county_code}{301 + i:03d}", name)
                 for i, name in enumerate(township_names(t_count, rng))]
    loader.insert("township", t_proto, ({"id": tid, "code": code, "name": name, "county_id": county_id}
                                        for tid, code, name in townships))
    v_proto, v_id = loader.prototype("village"), loader.next_id("village")
    villages = []  # (id, code, name, township_id)
    for i, name in enumerate(village_names(new_count, rng)):
        tid, tcode, _ = townships[i // per_township]
        villages.append((v_id + i, f"{tcode}{201 + i % per_township:03d}", name, tid))
    pinyin = {name: pinyin_of(name) for _, _, name, _ in villages}
    loader.insert("village", v_proto, ({
        "id": vid, "code": code, "name": name, "name_pinyin": pinyin[name][0], "name_initials": pinyin[name][1],
        "township_id": tid, "supervision_phone": f"0000-{vid % 10_000_000:07d}", "content_version": 1,
        "updated_at": now, "chain_head": None, "chain_length": 0} for vid, code, name, tid in villages))
    cadre_ids = [r[0] for r in loader.query("SELECT id FROM cadre WHERE village_id = ? ORDER BY id",
                                            (demo_village_id,))]
    cadre_protos = [loader.prototype("cadre", "id = ?", (cid,)) for cid in cadre_ids]
    next_cadre = loader.next_id("cadre")
    for k, proto in enumerate(cadre_protos):
        loader.insert("cadre", proto, ({"id": next_cadre + k * len(villages) + i, "village_id": v[0]}
                                       for i, v in enumerate(villages)))
    log(f"  {len(townships)} townships, {len(villages)} villages")

    # Power items: the demo village's list, adopted by every new village.
    item_ids = [r[0] for r in loader.query("SELECT id FROM power_item WHERE village_id = ? ORDER BY id",
                                           (demo_village_id,))]
    item_protos = [loader.prototype("power_item", "id = ?", (iid,)) for iid in item_ids]
    next_item = loader.next_id("power_item")
    n_protos = len(item_protos)

    def item_row(i, v, k):
        row = {"id": next_item + i * POWER_ITEMS_PER_VILLAGE + k, "village_id": v[0], "updated_at": now,
               "sort_order": k}
        if k >= n_protos:  # the list repeated: a village's codes stay distinct
            row["code"] = f"{item_protos[k % n_protos]['code']}-{k // n_protos}"
        return row

    count = loader.insert_mixed("power_item", item_protos, (
        (k % n_protos, item_row(i, v, k)) for i, v in enumerate(villages) for k in range(POWER_ITEMS_PER_VILLAGE)))
    log(f"  {count:,} power items")

    # Disclosures, each published as revision 1 of the village's hash chain.
    per_village = DISCLOSURES_PER_VILLAGE
    disc_rows = loader.query("SELECT id, current_revision_id FROM disclosure WHERE status = 'published' ORDER BY id")
    disc_protos = [(loader.prototype("disclosure", "id = ?", (d,)), loader.prototype("published_revision", "id = ?",
                                                                                     (r,))) for d, r in disc_rows]
    demo_names = {r[0]: r[2] for r in existing}
    contents = [json.loads(rev["content"]) for _, rev in disc_protos]
    next_disc, next_rev = loader.next_id("disclosure"), loader.next_id("published_revision")
    heads = {}

    def plan():
        """Yield (village, k, prototype index, disclosure id, revision id, published_at, title, label)."""
        for v_index, (vid, code, name, _tid) in enumerate(villages):
            for k in range(per_village):
                months_back = per_village - k
                published = now - timedelta(days=30 * months_back - 3)
                p = k % len(disc_protos)
                proto = disc_protos[p][0]
                label = f"{published.year}年{published.month}月"
                title = proto["title"].replace(demo_names.get(proto["village_id"], ""), name)
                serial = v_index * per_village + k
                yield vid, code, k, p, next_disc + serial, next_rev + serial, published, title, label

    def revisions():
        prev, last_village = GENESIS, None
        for vid, code, k, p, did, rid, published, title, _label in plan():
            if vid != last_village:
                prev, last_village = GENESIS, vid
            rev = SimpleNamespace(village=SimpleNamespace(code=code), subject_type="disclosure", subject_id=did,
                                  number=1, title=title, content=contents[p], reason=None, published_at=published,
                                  chain_seq=k + 1, prev_hash=prev)
            digest = compute_hash(rev)
            heads[vid] = (digest, k + 1)
            prev = digest
            yield p, {"id": rid, "village_id": vid, "subject_type": "disclosure", "subject_id": did, "number": 1,
                   "title": title, "reason": None, "published_at": published, "published_by_id": None,
                   "chain_seq": k + 1, "prev_hash": rev.prev_hash, "hash": digest}

    loader.insert_mixed("published_revision", [r for _d, r in disc_protos], revisions())
    loader.insert_mixed("disclosure", [d for d, _r in disc_protos], (
        (p, {"id": did, "village_id": vid, "title": title, "period_label": label, "status": "published",
             "period_start": published.date().replace(day=1), "period_end": published.date(),
             "created_by_id": None, "created_at": published, "first_published_at": published,
             "last_published_at": published, "revision_count": 1, "current_revision_id": rid})
        for vid, _c, _k, p, did, rid, published, title, label in plan()))
    loader.executemany("UPDATE village SET chain_head = ?, chain_length = ? WHERE id = ?",
                       [(h, n, vid) for vid, (h, n) in heads.items()])
    log(f"  {len(villages) * per_village:,} disclosures with their published revisions")

    # Complaints with their history, numbered like the portal numbers them.
    c_proto = loader.prototype("complaint")
    e_proto = loader.prototype("complaint_event", "complaint_id = ?", (c_proto["id"],))
    last = {y: n for y, n in loader.query("SELECT year, last FROM case_counter WHERE county_code = ?",
                                          (county_code,))}
    total = villages_total * COMPLAINTS_PER_VILLAGE
    all_villages = [(r[0], r[3]) for r in existing] + [(v[0], v[3]) for v in villages]
    next_c, next_e = loader.next_id("complaint"), loader.next_id("complaint_event")
    span = timedelta(days=730)
    complaints, events = [], []
    # Complainant references are unique and random (complaints/numbering.py): draw them the same way.
    references = {r for (r,) in loader.query("SELECT public_reference FROM complaint") if r}

    def reference(year: int) -> str:
        while True:
            digits = f"{rng.randrange(10**8):08d}"
            ref = f"{year}-{digits[:4]}-{digits[4:]}"
            if ref not in references:
                references.add(ref)
                return ref

    for i in range(total):
        received = now - span + span * i / total
        year = received.year
        last[year] = last.get(year, 0) + 1
        vid, tid = all_villages[rng.randrange(len(all_villages))]
        status = _weighted(rng, STATUS_MIX)
        cid = next_c + i
        complaints.append({
            "id": cid, "case_number": f"{county_code}-{year}-{last[year]:06d}",
            "receipt_hash": f"{rng.getrandbits(256):064x}", "public_reference": reference(year),
            "village_id": vid, "township_id": tid,
            "category": rng.choice(CATEGORIES), "about": "村委会", "status": status,
            "description": f"生成的检举内容 #{i}：村集体资产处置不公开，请求核查。", "received_at": received,
            "updated_at": received, "handling_level": "county" if rng.random() < 0.05 else "township"})
        events.append({"id": next_e + len(events), "complaint_id": cid, "at": received, "kind": "status",
                       "from_status": None, "to_status": "received", "public": True, "actor_id": None})
        if status != "received":
            events.append({"id": next_e + len(events), "complaint_id": cid, "at": received + timedelta(days=3),
                           "kind": "status", "from_status": "received", "to_status": status, "public": True,
                           "actor_id": None})
    loader.insert("complaint", c_proto, complaints)
    loader.insert("complaint_event", e_proto, events)
    for year, n in last.items():
        if loader.query("SELECT 1 FROM case_counter WHERE county_code = ? AND year = ?", (county_code, year)):
            loader.execute("UPDATE case_counter SET last = ? WHERE county_code = ? AND year = ?",
                           (n, county_code, year))
        else:
            cc_id = loader.next_id("case_counter")
            loader.execute("INSERT INTO case_counter (id, county_code, year, last) VALUES (?, ?, ?, ?)",
                           (cc_id, county_code, year, n))
    log(f"  {total:,} complaints, {len(events):,} events")
    loader.finish()
    return _meta(url, rng)


def _meta(url: str, rng: random.Random) -> dict:
    """Sample what the load scenarios ask for: villages (warm and never-rendered), power items, search words."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        villages = conn.execute(sa.text("SELECT id, code, name, name_pinyin, name_initials FROM village "
                                        "ORDER BY id")).all()
        sample = rng.sample(villages, min(1000, len(villages)))
        items = []
        for vid, code, *_ in sample[:300]:
            ids = conn.execute(sa.text("SELECT id FROM power_item WHERE village_id = :v"), {"v": vid}).scalars().all()
            items += [(code, i) for i in rng.sample(ids, min(4, len(ids)))]
        categories = [c for c in conn.execute(sa.text("SELECT DISTINCT category FROM complaint")).scalars()]
    engine.dispose()
    warm = [v[1] for v in sample[:200]]
    cold = [v[1] for v in villages if v[1] not in set(warm)]
    rng.shuffle(cold)
    # What people type: part of a name (东湖, 湖村), a whole name, its full pinyin, its initials.
    substrings = []
    for v in sample[:200]:
        name = v[2]
        substrings.append(rng.choice([name[:-1], name, name[1:], name[:2]]))
    return {
        "villages": warm,
        "cold_villages": cold,
        "power_items": items,
        "search_chinese": substrings,
        "search_pinyin": [v[3] for v in sample[:200]],
        "search_initials": [v[4] for v in sample[:200]],
        "categories": sorted(categories),
    }
