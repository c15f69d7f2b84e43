"""The site's clock: Vietnam's time (UTC+7, no daylight saving), stored naive everywhere."""

from __future__ import annotations

import datetime as dt

# Asia/Ho_Chi_Minh has had no daylight saving since 1975: a fixed offset is exact.
VIETNAM = dt.timezone(dt.timedelta(hours=7))
ZONE_NAME = "Asia/Ho_Chi_Minh"


def local_now() -> dt.datetime:
    """Now in Vietnam, naive, as every stored date-time of the site."""
    return dt.datetime.now(VIETNAM).replace(tzinfo=None)
