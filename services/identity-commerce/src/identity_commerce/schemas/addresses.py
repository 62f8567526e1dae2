"""Request and response bodies of /addresses."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict
from shopkit.fields import JsonBool

from identity_commerce.schemas.fields import CountryCode, Phone, text

AddressKindName = Literal["shipping", "billing"]


class AddressIn(BaseModel):
    """A whole address: POST creates one, PUT replaces one."""

    kind: AddressKindName = "shipping"
    full_name: Annotated[str, *text(200)]
    line1: Annotated[str, *text(200)]
    line2: Annotated[str, *text(200)] | None = None
    city: Annotated[str, *text(100)]
    state: Annotated[str, *text(100)] | None = None
    postal_code: Annotated[str, *text(20)]
    country: CountryCode
    phone: Phone = None
    is_default: JsonBool = False


class AddressOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: AddressKindName
    full_name: str
    line1: str
    line2: str | None
    city: str
    state: str | None
    postal_code: str
    country: str
    phone: str | None
    is_default: bool
    created_at: datetime
    updated_at: datetime
