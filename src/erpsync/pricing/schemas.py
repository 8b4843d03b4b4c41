"""Pydantic models of price lists and products at the edge (API, pages, CLI).

Money is `Decimal` and travels in JSON as an exact string ("361.50"), never a float.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field, model_validator

from erpsync.errors import ValidationError

MAX_LIMIT = 100
MAX_OFFSET = 1_000_000


class PriceListRead(BaseModel):
    id: str
    name: str
    currency: str
    valid_from: date | None = None
    valid_to: date | None = None
    active: bool = True


class ProductRead(BaseModel):
    code: str
    name: str
    description: str = ""
    unit: str = ""
    list_price: Decimal | None = None
    cost: Decimal | None = None  # administrators only
    vat_code: str = ""
    in_stock: Decimal | None = None
    price: Decimal
    currency: str


class ProductPageRead(BaseModel):
    price_list: PriceListRead
    items: list[ProductRead]
    total: int
    offset: int
    limit: int


class ProductQuery(BaseModel):
    """A product search: free text plus the advanced conditions, and the page."""

    q: str = Field("", max_length=200, description="Code or name contains this text.")
    code_begins: str | None = Field(None, max_length=100)
    code_contains: str | None = Field(None, max_length=100)
    name_contains: str | None = Field(None, max_length=200)
    price_min: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=4)
    price_max: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=4)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
    limit: int = Field(25, ge=1, le=MAX_LIMIT)

    @model_validator(mode="after")
    def _range(self) -> ProductQuery:
        low, high = self.price_min, self.price_max
        if low is not None and high is not None and low > high:
            raise ValidationError(f"price_max: {high} is below price_min {low}.", field="price_max")
        return self

    def cache_key(self) -> tuple[object, ...]:
        return tuple(self.model_dump().values())


class AllowedPriceLists(BaseModel):
    """The price lists a connection exposes; empty: all of them."""

    price_lists: list[str] = Field(default_factory=list, max_length=200)
