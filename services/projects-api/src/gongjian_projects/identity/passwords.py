"""The password policy (密码策略): at least 10 characters, not a common password, not the username."""

from __future__ import annotations

import secrets
from functools import cache
from pathlib import Path

from gongjian_projects.identity.errors import WeakPassword
from gongjian_shared.errors import FieldError, field_error

MIN_LENGTH = 10
MAX_LENGTH = 256
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt")
# no look-alikes (0/O, 1/l/I): one-time passwords are read aloud and typed from paper
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
GENERATED_LENGTH = 14


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def policy_errors(password: str, username: str, field: str = "new_password") -> list[FieldError]:
    errors = []
    if len(password) < MIN_LENGTH:
        errors.append(
            field_error(
                field,
                "min-length",
                f"At least {MIN_LENGTH} characters",
                f"密码至少 {MIN_LENGTH} 个字符",
            )
        )
    if len(password) > MAX_LENGTH:
        errors.append(
            field_error(
                field, "max-length", f"At most {MAX_LENGTH} characters", f"密码最多 {MAX_LENGTH} 个字符"
            )
        )
    lowered = password.lower()
    if lowered in common_passwords():
        errors.append(
            field_error(field, "common", "One of the most common passwords", "这是常见的弱密码，请换一个")
        )
    name = username.strip().lower()
    if name and (lowered == name or (len(name) >= 4 and name in lowered)):
        errors.append(field_error(field, "username", "Must not contain the username", "密码不能包含用户名"))
    return errors


def ensure_strong(password: str, username: str, field: str = "new_password") -> None:
    errors = policy_errors(password, username, field)
    if errors:
        raise WeakPassword("Choose another password.", errors=errors)


def generate_password(username: str = "") -> str:
    """A one-time password that passes the policy (shown once, must be changed at first sign-in)."""
    while True:
        password = "".join(secrets.choice(_ALPHABET) for _ in range(GENERATED_LENGTH))
        if not policy_errors(password, username):
            return password
