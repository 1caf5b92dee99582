"""Rate limits on ballot codes and public proposals, keyed by a keyed hash of the address.

Only refused codes count towards the guessing limit, so a whole village
meeting voting from one address is never blocked; evaluation and top-ten
ballots share one allowance.
"""
from flask import current_app, g

from portal.core.ratelimit import address_key
from portal.extensions import limiter


def _guess_limit() -> str:
    return current_app.config.get("BALLOT_GUESS_LIMIT", "10 per 10 minutes;40 per day")


def mark_refused() -> None:
    """Count this request against the guessing allowance (a code was refused)."""
    g.ballot_failed = True


def _refused(_response) -> bool:
    return bool(g.get("ballot_failed"))


ballot_guess_limit = limiter.shared_limit(_guess_limit, scope="ballot-guess", key_func=address_key,
                                          methods=["POST"], deduct_when=_refused)
