"""What the CRM record commands share (`erpsync company|person|project …`): the record
kinds with their services and edge models, a page of records, one record, and `--set`.

Every rule stays in `crm/service.py`; this module only maps a kind to its functions and
turns `field=value` pairs into the kind's update model, so a field or value the API
refuses is refused here with the same words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from erpsync.cli.runtime import console, print_json
from erpsync.crm import service
from erpsync.crm.schemas import (
    CompanyRead,
    CompanyUpdate,
    PersonRead,
    PersonUpdate,
    ProjectRead,
    ProjectUpdate,
)
from erpsync.edge import UpdateModel
from erpsync.errors import ValidationError


def person_name(record: Any) -> str:
    return f"{record.first_name} {record.last_name}".strip()


@dataclass(frozen=True)
class RecordKind:
    """One kind of CRM record as the commands see it."""

    noun: str
    plural: str
    read: type[BaseModel]
    update: type[UpdateModel]
    get: Callable[[Session, int], Any]
    change: Callable[[Session, int, Any], Any]
    delete: Callable[[Session, int], Any]
    title: Callable[[Any], str]

    @property
    def fields(self) -> list[str]:
        """The fields `edit --set` takes, in the update model's order."""
        return list(self.update.model_fields)


COMPANY = RecordKind(
    "company", "companies", CompanyRead, CompanyUpdate, service.get_company,
    service.update_company, service.delete_company, lambda record: record.name,
)  # fmt: skip
PERSON = RecordKind(
    "person", "persons", PersonRead, PersonUpdate, service.get_person,
    service.update_person, service.delete_person, person_name,
)  # fmt: skip
PROJECT = RecordKind(
    "project", "projects", ProjectRead, ProjectUpdate, service.get_project,
    service.update_project, service.delete_project, lambda record: record.name,
)  # fmt: skip


def print_page(
    page: service.Page[Any],
    kind: RecordKind,
    line: Callable[[Any], str],
    json_output: bool,
) -> None:
    """A page of search results: JSON for scripts, else one line per record and a total."""
    rows = [kind.read.model_validate(record) for record in page.items]
    if json_output:
        print_json({"items": [row.model_dump(mode="json") for row in rows], "total": page.total})
        return
    for row in rows:
        console.print(line(row), highlight=False)
    console.print(f"{len(rows)} of {page.total} {kind.plural}", style="dim")


def print_record(row: BaseModel, json_output: bool, heading: str = "") -> None:
    """One record: JSON, or a heading and one `field  value` line per field (empty: -)."""
    data = row.model_dump(mode="json")
    if json_output:
        print_json(data)
        return
    if heading:
        console.print(heading, style="bold", highlight=False)
    width = max(len(key) for key in data)
    for key, value in data.items():
        shown = "-" if value is None or value == "" else value
        console.print(f"{key:<{width}}  {shown}", highlight=False)


def parse_sets(kind: RecordKind, pairs: Sequence[str]) -> UpdateModel:
    """`field=value` pairs as the kind's partial update; an empty value clears the field.

    An unknown field is named with the fields there are; the values are checked by the
    update model (and the service, for list codes and companies) like the API's.
    """
    if not pairs:
        raise ValidationError("Give at least one --set field=value.", field="set")
    values: dict[str, str | None] = {}
    for pair in pairs:
        field, sep, value = pair.partition("=")
        field = field.strip()
        if not sep or not field:
            raise ValidationError(
                f"--set {pair!r}: write field=value (an empty value clears the field)",
                field="set",
            )
        if field not in kind.fields:
            raise ValidationError(
                f"{field}: a {kind.noun} has no such field; "
                f"the fields are {', '.join(kind.fields)}",
                field=field,
            )
        if field in values:
            raise ValidationError(f"{field}: given twice", field=field)
        values[field] = value.strip() or None
    return kind.update.model_validate(values)
