from __future__ import annotations

import uuid

from pydantic import BaseModel


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class Me(BaseModel):
    user_id: uuid.UUID
    username: str
    unit_id: uuid.UUID | None
    roles: list[str]
