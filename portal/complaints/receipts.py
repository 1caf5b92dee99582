"""Receipts (查询码): random digits shown once, stored only as a keyed slow hash."""
import hashlib
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


# scrypt cost: 2 MiB and ~9 ms a hash. A receipt already carries 66 random bits, so the
# hash's slowness only adds to a guessing cost that is out of reach anyway, while intake
# and tracking pay it on every request; raise RECEIPT_SCRYPT_N where throughput allows.
DEFAULT_SCRYPT_N = 2 ** 11


def hash_receipt(receipt: str) -> str:
    """Hash a receipt with scrypt and the deployment's salt, so it can be looked up but not reversed."""
    pepper = str(current_app.config["RECEIPT_PEPPER"]).encode()
    cost = int(current_app.config.get("RECEIPT_SCRYPT_N", DEFAULT_SCRYPT_N))
    return hashlib.scrypt(receipt.encode(), salt=pepper, n=cost, r=8, p=1, dklen=32).hex()
