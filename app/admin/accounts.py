"""Accounts: hashed passwords (scrypt), roles, and a lockout after repeated failed logins."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app import audit
from app.admin.codes import AccountRole
from app.audit import Actor
from app.clock import local_now
from app.models import Account, Agency

MIN_PASSWORD = 10
MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
# Checked against when the email is unknown, so that both answers take as long.
_DUMMY_HASH = generate_password_hash("not a password of anyone")


class AccountError(ValueError):
    """An account cannot be created or changed as asked."""


class LockedOut(Exception):
    """Too many failed logins: the account is locked until `until`."""

    def __init__(self, until: dt.datetime):
        super().__init__(until.isoformat())
        self.until = until


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"mật khẩu cần ít nhất {MIN_PASSWORD} ký tự")


def create_account(
    session: Session,
    actor: Actor | Account,
    email: str,
    password: str,
    role: str = AccountRole.ADMIN,
    agency: Agency | None = None,
    name: str | None = None,
) -> Account:
    """Create an account, logged (not committed); AccountError for a taken email or a weak password."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError(f"địa chỉ thư điện tử không hợp lệ: {email!r}")
    if not AccountRole.has(role):
        raise AccountError(f"vai trò không hợp lệ: {role}")
    if role == AccountRole.RESPONDER and agency is None:
        raise AccountError("tài khoản trả lời phản ánh cần một cơ quan")
    check_password_strength(password)
    if session.scalar(select(Account.id).where(func.lower(Account.email) == email)):
        raise AccountError(f"đã có tài khoản {email}")
    account = Account(
        email=email,
        name=name,
        password_hash=generate_password_hash(password),
        role=role,
        agency=agency if role == AccountRole.RESPONDER else None,
        active=True,
        created_at=local_now(),
        failed_logins=0,
        session_version=1,
    )
    session.add(account)
    session.flush()
    audit.record(
        session,
        actor,
        "account.create",
        "account",
        account.email,
        role,
        None,
        {"role": account.role, "agency": agency.code if agency else None},
    )
    return account


def set_active(session: Session, actor: Actor | Account, account: Account, active: bool) -> None:
    """Deactivate an account (its sessions end) or reactivate it, logged (not committed)."""
    before = {"active": account.active}
    account.active = active
    account.session_version = (account.session_version or 1) + 1
    audit.record(
        session,
        actor,
        "account.activate" if active else "account.deactivate",
        "account",
        account.email,
        None,
        before,
        {"active": active},
    )


def authenticate(session: Session, email: str, password: str, now: dt.datetime | None = None) -> Account | None:
    """The account when the password is right (the login logged); None otherwise. Raise LockedOut
    while locked. The failure count or the login time is for the caller to commit, even on failure."""
    now = now or local_now()
    account = session.scalar(select(Account).where(Account.email == normalise_email(email)))
    if account is None or not account.active:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if account.locked_until and account.locked_until > now:
        raise LockedOut(account.locked_until)
    if not check_password_hash(account.password_hash, password or ""):
        account.failed_logins = (account.failed_logins or 0) + 1
        if account.failed_logins >= MAX_FAILURES:
            account.locked_until, account.failed_logins = now + LOCKOUT, 0
        if account.locked_until and account.locked_until > now:
            raise LockedOut(account.locked_until)
        return None
    account.failed_logins, account.locked_until, account.last_login_at = 0, None, now
    audit.record(session, account, "login", now=now)
    return account


def change_password(session: Session, account: Account, current: str, new: str) -> None:
    """Change the password, logged (not committed); every other session of the account ends."""
    if not check_password_hash(account.password_hash, current or ""):
        raise AccountError("mật khẩu hiện tại không đúng")
    check_password_strength(new)
    account.password_hash = generate_password_hash(new)
    account.session_version = (account.session_version or 1) + 1
    audit.record(session, account, "password.change", "account", account.email)
