"""Bodies of /admin/promotions and /admin/shipping-methods. Money as decimal strings."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from shopkit.bodies import ClosedModel, read_body
from shopkit.fields import DATE_TIME_TEXT, JSON_INTEGER, JsonBool
from shopkit.money import Money, MoneyIn

from identity_commerce.models import Promotion, ShippingMethod, ShippingZone
from identity_commerce.schemas.fields import CountryCode, text

PromoCode = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^\s*[A-Za-z0-9_-]+\s*$",
        description="Letters, digits, - and _; case-insensitive (stored upper case)",
    ),
]
Limit = Annotated[int, Field(ge=1, le=1_000_000), JSON_INTEGER]


# A percentage: 0 to 100 with at most two decimals (the rule of `_percent_at_most_100`,
# stated in the schema for kind = percent).
PERCENT_STRING = r"^(?:100(?:\.0{1,2})?|[0-9]{1,2}(?:\.[0-9]{1,2})?)$"
PointInTime = Annotated[AwareDatetime, DATE_TIME_TEXT]


class PromotionIn(ClosedModel):
    """A code's terms. A window whose start is not before its end, or a value of 0, is
    allowed: such a code simply never takes anything off (as a filter that matches nothing
    is an empty page, not an error)."""

    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"kind": {"const": "percent"}}},
            "then": {
                "properties": {
                    "value": {
                        "anyOf": [
                            {"type": "number", "minimum": 0, "maximum": 100},
                            {"type": "string", "pattern": PERCENT_STRING},
                        ]
                    }
                }
            },
        },
    )

    code: PromoCode
    kind: Literal["percent", "fixed"]
    value: MoneyIn = Field(description="percent: 0-100 of the subtotal; fixed: an amount off")
    min_subtotal: MoneyIn | None = None
    starts_at: PointInTime | None = None
    ends_at: PointInTime | None = None
    usage_limit: Limit | None = Field(default=None, description="Orders in all; null: no limit")
    per_customer_limit: Limit | None = Field(
        default=None, description="Orders per account (guests: per email); null: no limit"
    )
    active: JsonBool = True

    @model_validator(mode="after")
    def _percent_at_most_100(self) -> Self:
        if self.kind == "percent" and self.value > 100:
            raise ValueError("a percent value is at most 100")
        return self


class PromotionOut(BaseModel):
    id: uuid.UUID
    code: str
    kind: Literal["percent", "fixed"]
    value: Money
    min_subtotal: Money | None
    starts_at: datetime | None
    ends_at: datetime | None
    usage_limit: int | None
    per_customer_limit: int | None
    active: bool
    times_used: int = Field(description="Paid orders that used it (redeemed)")
    reserved: int = Field(description="Orders awaiting payment holding a use")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, promotion: Promotion, *, reserved: int = 0, redeemed: int = 0) -> PromotionOut:
        return read_body(cls, promotion, times_used=redeemed, reserved=reserved)


class ShippingZoneIn(ClosedModel):
    name: Annotated[str, *text(100)]
    countries: list[CountryCode] = Field(
        default_factory=list,
        max_length=300,
        description="ISO alpha-2; empty: every country no other zone lists",
    )


class ShippingZoneOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    countries: list[str]

    @classmethod
    def of(cls, zone: ShippingZone) -> ShippingZoneOut:
        return cls(id=zone.id, name=zone.name, countries=list(zone.countries))


class ShippingMethodIn(ClosedModel):
    zone_id: uuid.UUID
    name: Annotated[str, *text(100)]
    price: MoneyIn
    free_over: MoneyIn | None = Field(
        default=None, description="Free once the discounted subtotal reaches it"
    )
    delivery_estimate: Annotated[str, *text(100)] | None = None
    active: JsonBool = True


class ShippingMethodOut(BaseModel):
    id: uuid.UUID
    zone_id: uuid.UUID
    name: str
    price: Money
    free_over: Money | None
    delivery_estimate: str | None
    active: bool

    @classmethod
    def of(cls, method: ShippingMethod) -> ShippingMethodOut:
        return read_body(cls, method)


class ShippingSetupOut(BaseModel):
    zones: list[ShippingZoneOut]
    methods: list[ShippingMethodOut]
    fallback_in_use: bool = Field(
        description="True when no method is active: checkout uses the settings' flat rule "
        "(`Standard`)"
    )
