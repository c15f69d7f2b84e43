"""Accounts: hashed passwords (scrypt) and roles (the login guard counts failed logins)."""

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
# Checked against when the email is unknown, so that both answers take as long.
_DUMMY_HASH = generate_password_hash("not a password of anyone")


class AccountError(ValueError):
    """An account cannot be created or changed as asked."""


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


def authenticate(
    session: Session, email: str, password: str, now: dt.datetime | None = None, admitted: bool = True
) -> Account | None:
    """The account when the password is right (the login logged, for the caller to commit); None
    otherwise. An attempt not `admitted` (over the login guard's limits) is answered None whatever
    its password, after as long a check."""
    now = now or local_now()
    account = session.scalar(select(Account).where(Account.email == normalise_email(email)))
    if account is None or not account.active or not admitted:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(account.password_hash, password or ""):
        return None
    account.last_login_at = now
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
