from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    refresh_token: str | None = Field(
        default=None, description="Opaque; rotate it at /api/v1/auth/refresh. Not given to service accounts."
    )


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=1, max_length=200)


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


class Me(BaseModel):
    user_id: uuid.UUID
    username: str
    unit_id: uuid.UUID | None
    roles: list[str]
    kind: str
    scopes: list[str]
    password_change_required: bool
