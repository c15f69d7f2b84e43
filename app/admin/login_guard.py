"""Failed logins, counted per account and client and per account from anywhere, in the rate-limit
storage (memory for one process, shared when `RATELIMIT_STORAGE_URI` names Redis).

Every attempt is counted before its password is checked, atomically, so that parallel attempts
cannot race past the limit; a successful login clears its client's count. An attempt over a limit
gets exactly the answer of a wrong password (the form tells nobody which emails exist or are
throttled), and the owner is never shut out for longer than the per-account window: a stranger's
wrong passwords count against the stranger's own client first.
"""

from __future__ import annotations

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

NAMESPACE = "login-failures"


class LoginGuard:
    def __init__(self, storage_uri: str, per_client: str, per_account: str):
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self.per_client, self.per_account = parse(per_client), parse(per_account)

    def admit(self, email: str, client: str) -> bool:
        """Count an attempt at `email` from `client`; False when either limit is already reached."""
        return self.limiter.hit(self.per_client, NAMESPACE, email, client) and self.limiter.hit(
            self.per_account, NAMESPACE, email
        )

    def succeeded(self, email: str, client: str) -> None:
        """The right password: this client starts again from nothing."""
        self.limiter.clear(self.per_client, NAMESPACE, email, client)
