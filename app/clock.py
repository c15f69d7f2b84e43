"""The site's clock: Vietnam's time (UTC+7, no daylight saving), stored naive everywhere."""
from __future__ import annotations

import datetime as dt

VIETNAM = dt.timezone(dt.timedelta(hours=7))


def local_now() -> dt.datetime:
    """Now in Vietnam, naive, as every stored date-time of the site."""
    return dt.datetime.now(VIETNAM).replace(tzinfo=None)
