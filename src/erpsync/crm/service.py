"""CRM record rules: create, read, update, soft-delete and search companies, persons and
projects. Used by the API, the pages and the CLI alike.

Every write goes through the ORM session, so the flush numbers it with a change position
in commit order (SPEC R-SEM-3, `db/positions.py`). Everything is checked before the
record is touched, so a refused write leaves nothing behind (R-NF-2). Deleting only sets
`deleted_at`: the sync engine sees the deletion in the change stream, and the record is
hidden from searches and answers 404 from then on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from erpsync.crm import lists, matchkeys
from erpsync.crm.models import (
    LIST_BUSINESS,
    LIST_CATEGORY,
    LIST_COUNTRY,
    LIST_CURRENCY,
    LIST_PROJECT_STATUS,
    Company,
    CrmRecord,
    ListItem,
    Person,
    Project,
)
from erpsync.crm.schemas import (
    CompanyCreate,
    CompanyUpdate,
    PersonCreate,
    PersonUpdate,
    ProjectCreate,
    ProjectUpdate,
)
from erpsync.errors import NotFound, ValidationError

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000
MAX_QUERY = 200

# Record field → CRM list it takes its items from.
COMPANY_LISTS = {
    "country": LIST_COUNTRY,
    "currency": LIST_CURRENCY,
    "category": LIST_CATEGORY,
    "business": LIST_BUSINESS,
}
PROJECT_LISTS = {"status": LIST_PROJECT_STATUS}

R = TypeVar("R", bound=CrmRecord)


@dataclass
class Page(Generic[R]):
    """One page of search results and the number of all matches."""

    items: list[R]
    total: int
    limit: int
    offset: int


def _now() -> datetime:
    return datetime.now(UTC)


def _live(session: Session, model: type[R], record_id: int, what: str) -> R:
    record = session.get(model, record_id)
    if record is None or record.deleted_at is not None:
        raise NotFound(f"No {what} with id {record_id}.")
    return record


def _live_company_for(session: Session, company_id: int) -> Company:
    """The company a person or project points to; refused unless it exists and is live."""
    company = session.get(Company, company_id)
    if company is None or company.deleted_at is not None:
        raise ValidationError(f"company_id: no company with id {company_id}", field="company_id")
    return company


def _list_values(
    session: Session, fields: dict[str, str], given: dict[str, Any], record: Any = None
) -> dict[str, ListItem | None]:
    """Resolve the list codes in `given` to items; a record's current item stays as it is
    even when it has been marked deleted since."""
    resolved: dict[str, ListItem | None] = {}
    for field, list_name in fields.items():
        if field not in given:
            continue
        current = getattr(record, field, None) if record is not None else None
        code = given[field]
        if current is not None and code is not None and current.code.lower() == code.lower():
            resolved[field] = current
        else:
            resolved[field] = lists.resolve(session, field, list_name, code)
    return resolved


def _apply(record: Any, values: dict[str, Any]) -> None:
    for key, value in values.items():
        setattr(record, key, value)


def _check_paging(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(f"limit: must lie between 1 and {MAX_LIMIT}", field="limit")
    if not 0 <= offset <= MAX_OFFSET:
        raise ValidationError(f"offset: must lie between 0 and {MAX_OFFSET}", field="offset")


def _text_filter(q: str, columns: Sequence[InstrumentedAttribute[Any]]) -> ColumnElement[bool]:
    """Case-insensitive "contains" over the columns; LIKE wildcards in `q` match literally."""
    q = q.strip()
    if len(q) > MAX_QUERY or "\x00" in q:
        raise ValidationError(
            f"q: the search text must be at most {MAX_QUERY} characters", field="q"
        )
    escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return or_(*(func.lower(column).like(pattern, escape="\\") for column in columns))


def _page(session: Session, model: type[R], stmt: Select[R], limit: int, offset: int) -> Page[R]:
    _check_paging(limit, offset)
    where = stmt.whereclause
    count = select(func.count()).select_from(model)
    total = session.scalar(count.where(where) if where is not None else count) or 0
    items = list(session.scalars(stmt.limit(limit).offset(offset)).unique())
    return Page(items=items, total=int(total), limit=limit, offset=offset)


# Companies


def create_company(session: Session, data: CompanyCreate) -> Company:
    values = data.model_dump()
    values.update(_list_values(session, COMPANY_LISTS, values))
    company = Company(**values)
    session.add(company)
    session.flush()
    matchkeys.refresh(session, "company", [company.id])
    return company


def get_company(session: Session, company_id: int) -> Company:
    return _live(session, Company, company_id, "company")


def update_company(session: Session, company_id: int, data: CompanyUpdate) -> Company:
    company = get_company(session, company_id)
    values = data.model_dump(exclude_unset=True)
    values.update(_list_values(session, COMPANY_LISTS, values, company))
    _apply(company, values)
    session.flush()
    matchkeys.refresh(session, "company", [company.id])
    return company


def delete_company(session: Session, company_id: int) -> Company:
    """Soft-delete a company and its persons (they cannot exist without it); its projects
    keep pointing to it for history."""
    company = get_company(session, company_id)
    now = _now()
    company.deleted_at = now
    persons = session.scalars(
        select(Person).where(Person.company_id == company.id, Person.deleted_at.is_(None))
    )
    person_ids = []
    for person in persons:
        person.deleted_at = now
        person_ids.append(person.id)
    session.flush()
    matchkeys.refresh(session, "company", [company.id])
    matchkeys.refresh(session, "person", person_ids)
    return company


def search_companies(
    session: Session,
    q: str = "",
    *,
    category: str | None = None,
    country: str | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Page[Company]:
    """Live companies whose name, number, org no, email or city contains `q`."""
    stmt = select(Company).where(Company.deleted_at.is_(None))
    if q.strip():
        columns = (Company.name, Company.number, Company.org_no, Company.email, Company.city)
        stmt = stmt.where(_text_filter(q, columns))
    if category is not None:
        stmt = stmt.where(Company.category_id == _filter_item(session, "category", category))
    if country is not None:
        stmt = stmt.where(Company.country_id == _filter_item(session, "country", country))
    stmt = stmt.order_by(func.lower(Company.name), Company.id)
    return _page(session, Company, stmt, limit, offset)


def _filter_item(session: Session, field: str, code: str) -> int:
    item = lists.resolve(session, field, field, code)
    assert item is not None  # a code was given
    return item.id


def company_choices(session: Session, limit: int = 1000) -> list[tuple[int, str]]:
    """(id, name) of live companies by name, for pickers."""
    rows = session.execute(
        select(Company.id, Company.name)
        .where(Company.deleted_at.is_(None))
        .order_by(func.lower(Company.name), Company.id)
        .limit(limit)
    )
    return [(row.id, row.name) for row in rows]


# Persons


def _check_person_name(first_name: str | None, last_name: str | None) -> None:
    if not (first_name or last_name):
        raise ValidationError(
            "last_name: a person needs a first name or a last name", field="last_name"
        )


def create_person(session: Session, data: PersonCreate) -> Person:
    _check_person_name(data.first_name, data.last_name)
    values = data.model_dump()
    values["company"] = _live_company_for(session, values.pop("company_id"))
    values["first_name"] = values["first_name"] or ""
    values["last_name"] = values["last_name"] or ""
    person = Person(**values)
    session.add(person)
    session.flush()
    matchkeys.refresh(session, "person", [person.id])
    return person


def get_person(session: Session, person_id: int) -> Person:
    return _live(session, Person, person_id, "person")


def update_person(session: Session, person_id: int, data: PersonUpdate) -> Person:
    person = get_person(session, person_id)
    values = data.model_dump(exclude_unset=True)
    for key in ("first_name", "last_name"):
        if key in values:
            values[key] = values[key] or ""
    _check_person_name(
        values.get("first_name", person.first_name), values.get("last_name", person.last_name)
    )
    if "company_id" in values and values["company_id"] != person.company_id:
        values["company"] = _live_company_for(session, values.pop("company_id"))
    values.pop("company_id", None)
    _apply(person, values)
    session.flush()
    matchkeys.refresh(session, "person", [person.id])
    return person


def delete_person(session: Session, person_id: int) -> Person:
    person = get_person(session, person_id)
    person.deleted_at = _now()
    session.flush()
    matchkeys.refresh(session, "person", [person.id])
    return person


def search_persons(
    session: Session,
    q: str = "",
    *,
    company_id: int | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Page[Person]:
    """Live persons whose first name, last name or email contains `q`."""
    stmt = select(Person).where(Person.deleted_at.is_(None))
    if q.strip():
        columns = (Person.first_name, Person.last_name, Person.email)
        stmt = stmt.where(_text_filter(q, columns))
    if company_id is not None:
        stmt = stmt.where(Person.company_id == company_id)
    stmt = stmt.order_by(func.lower(Person.last_name), func.lower(Person.first_name), Person.id)
    return _page(session, Person, stmt, limit, offset)


# Projects


def create_project(session: Session, data: ProjectCreate) -> Project:
    values = data.model_dump()
    company_id = values.pop("company_id")
    values.update(_list_values(session, PROJECT_LISTS, values))
    if company_id is not None:
        values["company"] = _live_company_for(session, company_id)
    project = Project(**values)
    session.add(project)
    session.flush()
    matchkeys.refresh(session, "project", [project.id])
    return project


def get_project(session: Session, project_id: int) -> Project:
    return _live(session, Project, project_id, "project")


def update_project(session: Session, project_id: int, data: ProjectUpdate) -> Project:
    project = get_project(session, project_id)
    values = data.model_dump(exclude_unset=True)
    values.update(_list_values(session, PROJECT_LISTS, values, project))
    if "company_id" in values:
        company_id = values.pop("company_id")
        if company_id != project.company_id:
            values["company"] = (
                _live_company_for(session, company_id) if company_id is not None else None
            )
    _apply(project, values)
    session.flush()
    matchkeys.refresh(session, "project", [project.id])
    return project


def delete_project(session: Session, project_id: int) -> Project:
    project = get_project(session, project_id)
    project.deleted_at = _now()
    session.flush()
    matchkeys.refresh(session, "project", [project.id])
    return project


def search_projects(
    session: Session,
    q: str = "",
    *,
    company_id: int | None = None,
    status: str | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Page[Project]:
    """Live projects whose name or number contains `q`."""
    stmt = select(Project).where(Project.deleted_at.is_(None))
    if q.strip():
        stmt = stmt.where(_text_filter(q, (Project.name, Project.number)))
    if company_id is not None:
        stmt = stmt.where(Project.company_id == company_id)
    if status is not None:
        item = lists.resolve(session, "status", LIST_PROJECT_STATUS, status)
        stmt = stmt.where(Project.status_id == (item.id if item else None))
    stmt = stmt.order_by(func.lower(Project.name), Project.id)
    return _page(session, Project, stmt, limit, offset)


# The change stream


def changed_after(session: Session, model: type[R], position: int, limit: int = 1000) -> list[R]:
    """Records of one kind written after change position `position`, deleted ones included,
    in position order: what the sync engine reads (R-SEM-3)."""
    stmt = (
        select(model)
        .where(model.change_pos > position)
        .order_by(model.change_pos, model.id)
        .limit(limit)
    )
    return list(session.scalars(stmt).unique())
