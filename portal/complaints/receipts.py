"""Receipts (查询码): random digits shown once, stored only as a keyed one-way hash."""
import hashlib
import hmac
import secrets
import unicodedata

from flask import current_app

RECEIPT_DIGITS = 20  # 10**20 ≈ 2**66: far above the 53 bits the design asks for
GROUP = 4


def new_receipt() -> str:
    """Return a fresh receipt of 20 random digits."""
    return f"{secrets.randbelow(10 ** RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def format_receipt(receipt: str) -> str:
    """Group the digits in fours so they are easy to copy onto paper."""
    return " ".join(receipt[i:i + GROUP] for i in range(0, len(receipt), GROUP))


def normalize_receipt(text) -> str | None:
    """Return the 20 digits of a typed receipt (spaces, dashes, full-width digits allowed), else None."""
    if not isinstance(text, str) or len(text) > 200:
        return None
    folded = unicodedata.normalize("NFKC", text)
    digits = "".join(ch for ch in folded if ch not in " \t\r\n-_.·")
    if len(digits) != RECEIPT_DIGITS or not (digits.isascii() and digits.isdigit()):
        return None
    return digits


def hash_receipt(receipt: str) -> str:
    """HMAC-SHA256 of the receipt under the deployment's secret pepper: can be looked up, not reversed.

    A receipt carries 66 random bits, so a slow hash adds nothing an attacker could feel: without
    the pepper no guess can even be checked, and with it 2^66 HMACs are out of reach anyway
    (docs/security.md, section 4). A fast hash lets intake and tracking cost microseconds, not 9 ms.
    """
    pepper = str(current_app.config["RECEIPT_PEPPER"]).encode()
    return hmac.new(pepper, b"receipt:" + receipt.encode(), hashlib.sha256).hexdigest()


# Receipts issued before 2026-12 were stored as scrypt(receipt, salt=pepper, n=2**11, r=8, p=1);
# tracking still finds them (and stores the HMAC instead once one is used).
LEGACY_SCRYPT_N = 2 ** 11


def legacy_hash_receipt(receipt: str) -> str:
    """The scrypt hash receipts were stored under before HMAC-SHA256."""
    pepper = str(current_app.config["RECEIPT_PEPPER"]).encode()
    cost = int(current_app.config.get("RECEIPT_SCRYPT_N", LEGACY_SCRYPT_N))
    return hashlib.scrypt(receipt.encode(), salt=pepper, n=cost, r=8, p=1, dklen=32).hex()
