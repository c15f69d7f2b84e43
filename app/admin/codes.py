"""The roles of the Office's accounts, with their labels."""

from __future__ import annotations

from app.codes import N_, CodeList


class AccountRole(CodeList):
    """What an account may do: administer everything, edit the records, or answer one agency's feedback."""

    ADMIN = "admin", N_("Quản trị viên")
    EDITOR = "editor", N_("Biên tập viên")
    RESPONDER = "responder", N_("Trả lời phản ánh")


# The Office's own staff, who see every feedback and assign it.
OFFICE_STAFF = (AccountRole.ADMIN, AccountRole.EDITOR)
