from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from gongjian_projects.identity.passwords import MAX_LENGTH, MIN_LENGTH
from gongjian_shared.types import RequestModel


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    refresh_token: str | None = Field(
        default=None, description="Opaque; rotate it at /api/v1/auth/refresh. Not given to service accounts."
    )


class RefreshRequest(RequestModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=1, max_length=200)


class PasswordChange(RequestModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(
        min_length=1,
        max_length=MAX_LENGTH,
        json_schema_extra={"minLength": MIN_LENGTH},  # the policy checks it, with its own message
        description="At least 10 characters, not a common password, not containing the username (密码策略).",
    )


class Me(BaseModel):
    user_id: uuid.UUID
    username: str
    unit_id: uuid.UUID | None
    roles: list[str]
    kind: str
    scopes: list[str]
    password_change_required: bool
