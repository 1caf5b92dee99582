"""Signed checkpoints: anyone who kept one can prove a rollback or a recomputed chain."""
import base64
import json
import re

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from demo_ids import OTHER_VILLAGE, VILLAGE
from sqlalchemy import select

from portal.extensions import db
from portal.records import chain
from portal.records.models import PublishedRevision
from records.test_chain import _publish_texts, _sql, _text, _village


def _checkpoint(runner, client, tmp_path):
    result = runner.invoke(args=["checkpoint"])
    assert result.exit_code == 0 and "Checkpoint" in result.output, result.output
    page = _text(client.get("/record/checkpoints"))
    number = int(re.search(r"/record/checkpoints/(\d+)\.json", page).group(1))
    response = client.get(f"/record/checkpoints/{number}.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    path = tmp_path / "kept-checkpoint.json"
    path.write_bytes(response.data)
    return path


def _verify_against(runner, path):
    result = runner.invoke(args=["verify", "--checkpoint", str(path)])
    return result.exit_code, result.output + (result.stderr if hasattr(result, "stderr") else "")


def test_checkpoints_are_listed_downloadable_with_the_public_key_and_explained(ctx, runner, client, tmp_path):
    path = _checkpoint(runner, client, tmp_path)
    kept = json.loads(path.read_text())
    body = json.loads(kept["body"])
    village = _village()
    assert {"village": VILLAGE, "length": village.chain_length, "head": village.chain_head} in body["villages"]
    page = _text(client.get("/record/checkpoints"))
    assert kept["public_key"] in page and "verify --checkpoint" in page
    pem = client.get("/record/checkpoints/public-key.pem")
    assert pem.status_code == 200 and b"BEGIN PUBLIC KEY" in pem.data
    assert "/record/checkpoints" in _text(client.get(f"/villages/{VILLAGE}/record"))
    client.set_cookie("lang", "zh_Hans_CN")
    assert "如何自己核对公开记录" in _text(client.get("/record/checkpoints"))
    assert client.get("/record/checkpoints/999999.json").status_code == 404


def test_an_unchanged_database_matches_an_earlier_checkpoint_after_more_publishing(ctx, runner, client, tmp_path):
    path = _checkpoint(runner, client, tmp_path)
    _publish_texts(2)
    code, output = _verify_against(runner, path)
    assert code == 0 and "still holds the chain heads" in output, output


def test_a_rolled_back_newest_revision_passes_plain_verify_but_not_the_checkpoint(ctx, runner, client, tmp_path):
    _publish_texts(1)
    path = _checkpoint(runner, client, tmp_path)
    village = _village()
    newest = db.session.scalar(select(PublishedRevision).where(PublishedRevision.village_id == village.id,
                                                               PublishedRevision.chain_seq == village.chain_length))
    previous_head = newest.prev_hash
    _sql("UPDATE disclosure SET status = 'draft', current_revision_id = NULL, revision_count = 0, "
         "first_published_at = NULL, last_published_at = NULL WHERE id = :id", id=newest.subject_id)
    _sql("DELETE FROM published_revision WHERE id = :id", id=newest.id)
    _sql("UPDATE village SET chain_head = :h, chain_length = chain_length - 1 WHERE code = :c",
         h=previous_head, c=VILLAGE)
    assert runner.invoke(args=["verify"]).exit_code == 0  # a careful rollback fits the chain
    code, output = _verify_against(runner, path)
    assert code != 0 and VILLAGE in output and "ROLLED BACK" in output, output


def test_a_recomputed_chain_passes_plain_verify_but_not_the_checkpoint(ctx, app, runner, client, tmp_path):
    path = _checkpoint(runner, client, tmp_path)
    village = _village(OTHER_VILLAGE)
    revisions = db.session.scalars(select(PublishedRevision).where(PublishedRevision.village_id == village.id)
                                   .order_by(PublishedRevision.chain_seq)).all()
    forged = json.loads(json.dumps(revisions[0].content))
    forged["rows"][0][-4] = "9564.20"
    revisions[0].content = forged
    prev = chain.GENESIS
    for revision in revisions:  # someone with database access recomputes every hash after the change
        revision.prev_hash = prev
        revision.hash = chain.compute_hash(revision)
        prev = revision.hash
    village.chain_head = prev
    db.session.commit()
    assert runner.invoke(args=["verify"]).exit_code == 0
    code, output = _verify_against(runner, path)
    assert code != 0 and OTHER_VILLAGE in output and "REWRITTEN" in output, output


def test_an_altered_checkpoint_file_or_a_foreign_key_is_refused(runner, client, tmp_path):
    path = _checkpoint(runner, client, tmp_path)
    kept = json.loads(path.read_text())
    kept["body"] = kept["body"].replace('"length":', '"length":1', 1)
    path.write_text(json.dumps(kept))
    code, output = _verify_against(runner, path)
    assert code != 0 and "signature does not match" in output
    key = Ed25519PrivateKey.generate()  # a checkpoint someone else signed cannot accuse the portal
    from cryptography.hazmat.primitives import serialization

    public = base64.b64encode(key.public_key().public_bytes(serialization.Encoding.Raw,
                                                            serialization.PublicFormat.Raw)).decode()
    body = json.dumps({"format": "yangguang-cunwu-checkpoint/1", "counties": [], "created_at": "x",
                       "public_key": public, "villages": []}, sort_keys=True, separators=(",", ":"))
    path.write_text(json.dumps({"body": body, "public_key": public,
                                "signature": base64.b64encode(key.sign(body.encode())).decode()}))
    code, output = _verify_against(runner, path)
    assert code != 0 and "not by this portal's key" in output
    path.write_text("not json")
    assert _verify_against(runner, path)[0] != 0


def test_the_key_can_come_from_the_environment(app, runner, client, tmp_path, monkeypatch):
    key = Ed25519PrivateKey.generate()
    from cryptography.hazmat.primitives import serialization

    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                            serialization.NoEncryption())
    monkeypatch.setenv("PORTAL_CHECKPOINT_KEY", base64.b64encode(raw).decode())
    path = _checkpoint(runner, client, tmp_path)
    public = base64.b64encode(key.public_key().public_bytes(serialization.Encoding.Raw,
                                                            serialization.PublicFormat.Raw)).decode()
    assert json.loads(path.read_text())["public_key"] == public
