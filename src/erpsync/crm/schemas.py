"""Pydantic models of CRM records and list items at the edge (API, pages, CLI).

List fields travel as the list item's *code* (`"country": "SE"`); the service resolves
codes to items and names the field and the value when a code is unknown. Text is
stripped, blank optional text becomes null, and lengths match the columns so no database
ever refuses a value the API accepted (R-NF-2).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, EmailStr, Field
from pydantic_core import PydanticCustomError

from erpsync.crm.models import ListItem
from erpsync.edge import UpdateModel

MAX_ID = 2**63 - 1
T = TypeVar("T")


def _checked(value: str) -> str:
    # NUL and lone surrogates are refused here: PostgreSQL and SQLite would fail on them.
    if "\x00" in value:
        raise PydanticCustomError("nul", "must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise PydanticCustomError("encoding", "must be valid Unicode text") from exc
    return value.strip()


def optional_text(value: Any) -> Any:
    """Strip text; blank text means "no value" (null)."""
    if isinstance(value, str):
        value = _checked(value)
        return value or None
    return value


def required_text(value: Any) -> Any:
    """Strip text; blank or null is refused with an error on this field."""
    if value is None or (isinstance(value, str) and not _checked(value)):
        raise PydanticCustomError("blank", "must not be blank")
    return _checked(value) if isinstance(value, str) else value


def _utc(value: Any) -> Any:
    # SQLite hands back naive datetimes; they were stored in UTC.
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _item_code(value: Any) -> Any:
    return value.code if isinstance(value, ListItem) else value


Text = Annotated[str | None, BeforeValidator(optional_text)]
Name = Annotated[str, BeforeValidator(required_text)]
Email = Annotated[EmailStr | None, BeforeValidator(optional_text)]
# Text that may be omitted in an update but never set to blank or null.
UpdateName = Annotated[str | None, BeforeValidator(required_text)]
Code = Annotated[str | None, BeforeValidator(optional_text)]
CompanyRef = Annotated[int, Field(ge=1, le=MAX_ID, description="Id of a live company.")]
ReadCode = Annotated[str | None, BeforeValidator(_item_code)]
Timestamp = Annotated[datetime, AfterValidator(_utc)]


def code_field(list_name: str) -> Any:
    return Field(
        default=None, max_length=40, description=f"Code of an item of the CRM list {list_name}."
    )


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _CompanyFields(_Input):
    number: Text = Field(default=None, max_length=60)
    org_no: Text = Field(default=None, max_length=60, description="Organisation / VAT number.")
    phone: Text = Field(default=None, max_length=60)
    email: Email = Field(default=None, max_length=254)
    web: Text = Field(default=None, max_length=254)
    street: Text = Field(default=None, max_length=200)
    zip: Text = Field(default=None, max_length=20)
    city: Text = Field(default=None, max_length=120)
    country: Code = code_field("country")
    currency: Code = code_field("currency")
    category: Code = code_field("category")
    business: Code = code_field("business")


class CompanyCreate(_CompanyFields):
    name: Name = Field(max_length=200)
    active: bool = True


class CompanyUpdate(_CompanyFields, UpdateModel):
    """Partial: omitted fields stay; null clears an optional field."""

    not_null = frozenset({"name", "active"})

    name: UpdateName = Field(default=None, max_length=200)
    active: bool | None = None


class _RecordRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    active: bool
    created_at: Timestamp
    updated_at: Timestamp
    change_pos: int = Field(description="Position of the last write, in commit order.")


class CompanyRead(_RecordRead):
    name: str
    number: str | None
    org_no: str | None
    phone: str | None
    email: str | None
    web: str | None
    street: str | None
    zip: str | None
    city: str | None
    country: ReadCode
    currency: ReadCode
    category: ReadCode
    business: ReadCode


class _PersonFields(_Input):
    first_name: Text = Field(default=None, max_length=120)
    last_name: Text = Field(default=None, max_length=120)
    title: Text = Field(default=None, max_length=120)
    email: Email = Field(default=None, max_length=254)
    phone: Text = Field(default=None, max_length=60)
    mobile: Text = Field(default=None, max_length=60)


class PersonCreate(_PersonFields):
    """A person needs a first or a last name and a live company."""

    company_id: CompanyRef
    active: bool = True


class PersonUpdate(_PersonFields, UpdateModel):
    not_null = frozenset({"company_id", "active"})

    company_id: CompanyRef | None = None
    active: bool | None = None


class PersonRead(_RecordRead):
    company_id: int | None
    first_name: str
    last_name: str
    title: str | None
    email: str | None
    phone: str | None
    mobile: str | None


class _ProjectFields(_Input):
    number: Text = Field(default=None, max_length=60)
    status: Code = code_field("project_status")
    company_id: CompanyRef | None = None


class ProjectCreate(_ProjectFields):
    name: Name = Field(max_length=200)
    active: bool = True


class ProjectUpdate(_ProjectFields, UpdateModel):
    not_null = frozenset({"name", "active"})

    name: UpdateName = Field(default=None, max_length=200)
    active: bool | None = None


class ProjectRead(_RecordRead):
    name: str
    number: str | None
    status: ReadCode
    company_id: int | None


class ListItemCreate(_Input):
    code: Name = Field(max_length=40)
    name: Name = Field(max_length=200)
    rank: int = Field(default=0, ge=-1_000_000, le=1_000_000)


class ListItemUpdate(UpdateModel):
    """Rename, re-rank or mark deleted; the code of an item never changes."""

    model_config = ConfigDict(extra="forbid")
    not_null = frozenset({"name", "rank", "deleted"})

    name: UpdateName = Field(default=None, max_length=200)
    rank: int | None = Field(default=None, ge=-1_000_000, le=1_000_000)
    deleted: bool | None = None


class ListItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    list_name: str
    code: str
    name: str
    rank: int
    deleted: bool


class Paged(BaseModel, Generic[T]):
    """One page of a search: the items, the total number of matches, and the window."""

    items: list[T]
    total: int
    limit: int
    offset: int
