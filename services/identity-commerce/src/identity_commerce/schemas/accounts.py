"""Request and response bodies of /auth."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from shopkit.bodies import ClosedModel
from shopkit.fields import omit_null

from identity_commerce.schemas.fields import (
    AnyPassword,
    Email,
    LoginEmail,
    NewPassword,
    PersonName,
    Phone,
)


class SignupRequest(BaseModel):
    # Unknown fields (e.g. "role") are ignored: sign-up always makes a customer.
    email: Email
    password: NewPassword
    first_name: PersonName
    last_name: PersonName
    phone: Phone = None


class LoginRequest(BaseModel):
    email: LoginEmail
    password: AnyPassword


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int  # seconds


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    first_name: str
    last_name: str
    phone: str | None
    role: Literal["customer", "staff", "admin"]
    # The back-office permissions of a staff account (docs/permissions.md); empty for
    # customers, and an admin holds them all.
    permissions: list[str]
    created_at: datetime
    email_verified: bool


class ProfileUpdate(ClosedModel):
    """Only the fields sent change; `phone: null` removes the phone number."""

    first_name: PersonName | None = Field(default=None, json_schema_extra=omit_null)
    last_name: PersonName | None = Field(default=None, json_schema_extra=omit_null)
    phone: Phone = None

    @model_validator(mode="after")
    def _names_cannot_be_removed(self) -> ProfileUpdate:
        for field in ("first_name", "last_name"):
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} cannot be null")
        return self


class PasswordChange(BaseModel):
    current_password: AnyPassword
    new_password: NewPassword


class AccountStatusOut(BaseModel):
    """What other services need to know to honour a user token (GET /internal/accounts/{id})."""

    user_id: uuid.UUID
    active: bool
    role: Literal["customer", "staff", "admin"]
    token_version: int
    # Whether the owner proved the email is theirs (catalog-fulfillment's reviews need it).
    email_verified: bool


# A link token as sent in emails: 43 characters of URL-safe base64; the bounds leave room
# for a longer one later and keep anything huge away from the database.
LinkToken = Annotated[str, Field(min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]


class PasswordResetRequest(BaseModel):
    email: Email


class PasswordResetConfirm(BaseModel):
    token: LinkToken
    new_password: NewPassword


class EmailVerification(BaseModel):
    token: LinkToken


class Accepted(BaseModel):
    """The answer of a request whose outcome is told by email (or not at all)."""

    detail: str
