"""How far an import has come, told to whoever listens: a background job (app/jobs.py) shows it
as a progress bar. The readers, the row checks and the bulk writes tell it; nobody listening costs
one lookup per call."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar

# stage ("reading", "checking", "writing"), rows done, rows in all (None while unknown)
Listener = Callable[[str, int, int | None], None]
_listener: ContextVar[Listener | None] = ContextVar("import_progress", default=None)
# Rows checked between two reports.
EVERY = 2000


def tell(stage: str, done: int, total: int | None = None) -> None:
    listener = _listener.get()
    if listener is not None:
        listener(stage, done, total)


@contextlib.contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Tell `listener` how far the imports run inside this block have come."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)
