"""Failed logins, counted per account and client and per account from anywhere, in the rate-limit
storage (memory for one process, shared when `RATELIMIT_STORAGE_URI` names Redis).

Every attempt is counted before its password is checked, atomically, so that parallel attempts
cannot race past the limit; a successful login clears its client's count. An attempt over a limit
gets exactly the answer of a wrong password (the form tells nobody which emails exist or are
throttled), and the owner is never shut out for longer than the per-account window: a stranger's
wrong passwords count against the stranger's own client first.
"""

from __future__ import annotations

import logging

from limits import parse
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

NAMESPACE = "login-failures"
log = logging.getLogger(__name__)


class LoginGuard:
    def __init__(self, storage_uri: str, per_client: str, per_account: str):
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        # While a shared store is unreachable (Redis restarting), this process counts on its own:
        # logins keep being throttled, never failed, and never let through uncounted.
        self.fallback = MovingWindowRateLimiter(MemoryStorage())
        self.per_client, self.per_account = parse(per_client), parse(per_account)

    def _counted(self, action):
        try:
            return action(self.limiter)
        except Exception:  # the store's client raises its own connection errors
            log.warning("login attempts counted in memory: %s unreachable", type(self.limiter.storage).__name__)
            return action(self.fallback)

    def admit(self, email: str, client: str) -> bool:
        """Count an attempt at `email` from `client`; False when either limit is already reached."""
        return self._counted(
            lambda limiter: (
                limiter.hit(self.per_client, NAMESPACE, email, client)
                and limiter.hit(self.per_account, NAMESPACE, email)
            )
        )

    def succeeded(self, email: str, client: str) -> None:
        """The right password: this client starts again from nothing."""
        self._counted(lambda limiter: limiter.clear(self.per_client, NAMESPACE, email, client))
