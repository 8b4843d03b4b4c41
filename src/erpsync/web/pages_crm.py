"""What the CRM record pages share: form fields, form errors, list options and paging.

The pages of companies, persons and projects (`pages_companies.py` …) are thin: they turn
the form into the same Pydantic models the API takes and call one service function; a
refused form is shown again with the values kept and each message next to its field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.orm import Session

from erpsync.crm import lists
from erpsync.crm.models import LIST_CURRENCY
from erpsync.crm.service import Page
from erpsync.errors import Conflict, ValidationError
from erpsync.web.i18n import translator
from erpsync.web.templating import language_of

PAGE_SIZE = 25
# Errors a form shows next to its fields; anything else (404, 403) becomes an error page.
FORM_ERRORS = (PydanticValidationError, ValidationError, Conflict)


@dataclass
class FormField:
    """One input of a record form; `label` is English and translated by the template."""

    name: str
    label: str
    kind: str = "text"  # text, email, tel, select, checkbox
    required: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


FormData = Annotated[dict[str, str], Depends(_form)]


def form_values(form: dict[str, str], fields: list[FormField]) -> dict[str, Any]:
    """The submitted form as input for a Create/Update model: a checkbox is a bool, a blank
    select is null, text goes as typed (the model strips it and treats blank as null)."""
    values: dict[str, Any] = {}
    for item in fields:
        raw = form.get(item.name, "")
        if item.kind == "checkbox":
            values[item.name] = raw == "on"
        elif item.kind == "select":
            values[item.name] = raw.strip() or None
        else:
            values[item.name] = raw
    return values


def record_values(data: dict[str, Any]) -> dict[str, str]:
    """A record's fields as the strings its form shows."""
    return {
        key: ("on" if value else "")
        if isinstance(value, bool)
        else ""
        if value is None
        else str(value)
        for key, value in data.items()
    }


def field_errors(request: Request, exc: Exception, form: dict[str, str]) -> dict[str, str]:
    """Field → message to show next to it; `form` holds errors that belong to no field."""
    _ = translator(language_of(request))
    errors: dict[str, str] = {}
    if isinstance(exc, PydanticValidationError):
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]) or "form"
            blank = not form.get(name, "").strip()
            message = _("Required.") if blank and name != "form" else error["msg"]
            if name == "email" and not blank:
                message = _("Not a valid email address.")
            errors.setdefault(name, message)
        return errors
    if isinstance(exc, ValidationError | Conflict):
        name = exc.field or "form"
        # Service messages start with the field name for the API; next to the field it is noise.
        return {name: exc.message.removeprefix(f"{name}: ")}
    raise exc


def list_options(session: Session, list_name: str, current: str = "") -> list[tuple[str, str]]:
    """(code, label) of a list's items for a select; keeps the record's current item even
    when it has been marked deleted since."""
    options = [
        (item.code, f"{item.code} – {item.name}" if list_name == LIST_CURRENCY else item.name)
        for item in lists.list_items(session, list_name)
    ]
    if current and current.lower() not in {code.lower() for code, _ in options}:
        options.append((current, current))
    return options


@dataclass
class Pager:
    first: int
    last: int
    total: int
    prev_url: str | None
    next_url: str | None


def pager(path: str, q: str, page: Page[Any], **filters: object) -> Pager:
    """Links to the previous and next page, keeping the search text and filters."""

    def url(offset: int) -> str:
        params = {key: value for key, value in filters.items() if value not in (None, "")}
        params.update({"q": q} if q else {})
        params.update({"offset": offset} if offset else {})
        return f"{path}?{urlencode(params)}" if params else path

    has_prev = page.offset > 0
    has_next = page.offset + page.limit < page.total
    return Pager(
        first=page.offset + 1 if page.items else 0,
        last=page.offset + len(page.items),
        total=page.total,
        prev_url=url(max(page.offset - page.limit, 0)) if has_prev else None,
        next_url=url(page.offset + page.limit) if has_next else None,
    )


def message(request: Request, text: str, **values: object) -> str:
    """A translated message for `flash`."""
    return translator(language_of(request))(text, **values)
