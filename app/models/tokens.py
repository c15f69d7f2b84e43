"""The secret a case file's printed receipt carries.

A token is random and stored with its file, not derived from SECRET_KEY: rotating the site's key
(after a leak, or by routine) must not silently void the receipts already handed out, and one
file's token can be replaced alone when its receipt is lost or exposed. 96 random bits, in 16
URL-safe characters that fit a QR code at a small size.
"""

from __future__ import annotations

import hmac
import secrets

TOKEN_BYTES = 12


def new_receipt_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def tokens_match(expected: str | None, given: str | None) -> bool:
    """Whether `given` is the stored token, compared in constant time; no token never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.strip().encode()[:64])


# Compared against when there is no file, so that a missing file costs the same comparison.
UNMATCHABLE = "\x00" * 16
