"""Receipts: random, long enough, shown once, stored only as a keyed one-way hash."""
import hashlib
import hmac
import math

import pytest
from flask.sessions import SecureCookieSessionInterface

from portal.complaints.models import Complaint
from portal.complaints.receipts import format_receipt, hash_receipt, legacy_hash_receipt, new_receipt, normalize_receipt
from portal.extensions import db
from tests.complaints.conftest import case_data


def test_receipts_have_20_random_digits_and_at_least_53_bits():
    receipts = {new_receipt() for _ in range(2000)}
    assert len(receipts) == 2000
    assert all(len(r) == 20 and r.isdigit() for r in receipts)
    assert 20 * math.log2(10) >= 53
    # Every position uses every digit: no fixed prefix or checksum eats the entropy.
    for position in (0, 10, 19):
        assert {r[position] for r in receipts} == set("0123456789")


def test_receipts_are_grouped_in_fours():
    assert format_receipt("12345678901234567890") == "1234 5678 9012 3456 7890"


@pytest.mark.parametrize("typed, expected", [
    ("1234 5678 9012 3456 7890", "12345678901234567890"),
    ("1234-5678-9012-3456-7890", "12345678901234567890"),
    (" 12345678901234567890\n", "12345678901234567890"),
    ("１２３４５６７８９０１２３４５６７８９０", "12345678901234567890"),
    ("1234567890123456789", None),
    ("123456789012345678901", None),
    ("1234567890123456789a", None),
    ("١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩٠", None),
    ("", None), (None, None), (12345678901234567890, None), ("1" * 500, None),
])
def test_typed_receipts_are_normalised(typed, expected):
    assert normalize_receipt(typed) == expected


def test_hash_is_hmac_sha256_keyed_with_the_deployment_pepper(ctx, app):
    receipt = "12345678901234567890"
    expected = hmac.new(app.config["RECEIPT_PEPPER"].encode(), b"receipt:" + receipt.encode(), hashlib.sha256)
    assert hash_receipt(receipt) == expected.hexdigest()
    assert hash_receipt(receipt) != hashlib.sha256(receipt.encode()).hexdigest()  # keyed, not a bare digest
    app.config["RECEIPT_PEPPER"] = "another-deployment"
    assert hash_receipt(receipt) != expected.hexdigest()


def test_a_receipt_stored_under_the_old_scrypt_hash_is_still_found_and_rehashed(ctx, app, client, file_case):
    complaint, receipt = file_case()
    legacy = hashlib.scrypt(receipt.encode(), salt=app.config["RECEIPT_PEPPER"].encode(), n=2**11, r=8, p=1,
                            dklen=32).hex()
    assert legacy_hash_receipt(receipt) == legacy
    complaint.receipt_hash = legacy
    db.session.commit()
    answer = client.post("/api/v1/complaints/track", json={"receipt": receipt})
    assert answer.status_code == 200 and answer.get_json()["case_number"] == complaint.public_reference
    db.session.expire_all()
    assert db.session.get(Complaint, complaint.id).receipt_hash == hash_receipt(receipt)
    assert client.post("/api/v1/complaints/track", json={"receipt": receipt}).status_code == 200


def test_only_the_hash_of_the_receipt_is_stored(ctx, file_case):
    complaint, receipt = file_case()
    assert complaint.receipt_hash == hash_receipt(receipt)
    row = db.session.execute(db.select(Complaint.__table__).where(Complaint.id == complaint.id)).one()
    assert not any(receipt in str(value) for value in row)


def test_the_receipt_never_sits_readable_in_the_session_cookie(ctx, app, client, forms):
    forms.post("/complaints/new", case_data(), form_url="/complaints/new")
    complaint = db.session.query(Complaint).order_by(Complaint.id.desc()).first()
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    cookie = client.get_cookie("session").value
    stored = serializer.loads(cookie)
    page = client.get("/complaints/receipt").get_data(as_text=True)
    digits = page.split('id="receipt-code"')[1].split(">", 1)[1].split("<")[0].replace(" ", "")
    assert complaint.receipt_hash == hash_receipt(digits)
    assert digits not in str(stored) and digits not in cookie
    after = serializer.loads(client.get_cookie("session").value)
    assert digits not in str(after) and all(len(str(v)) < 100 for v in after.values())  # only a random key
