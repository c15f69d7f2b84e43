"""What an import reports: rejected rows with their numbers and reasons, and a summary."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

from app.text import spreadsheet_cell


class RowError(ValueError):
    """A row cannot be imported; the message says why, in Vietnamese."""


class ImportRejected(Exception):
    """The file cannot be imported at all (unreadable, empty, no header)."""


@dataclass
class Rejection:
    row: int
    reason: str


@dataclass
class ImportReport:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    applied: bool = False

    def summary(self) -> str:
        """Return the one-line summary every import prints."""
        return f"imported {self.imported}, updated {self.updated}, rejected {len(self.rejected)}"

    def write_rejects(self, path: str) -> None:
        """Write the rejected rows as CSV (`row,reason`)."""
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", "reason"])
            for rejection in self.rejected:
                writer.writerow([rejection.row, spreadsheet_cell(rejection.reason)])
