"""Query parameters and the paged answer shared by the CRM record routers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Query
from pydantic import BaseModel

from erpsync.api.deps import MAX_ID
from erpsync.crm.schemas import Paged
from erpsync.crm.service import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, MAX_QUERY, Page

ReadModel = TypeVar("ReadModel", bound=BaseModel)

SearchText = Annotated[
    str, Query(max_length=MAX_QUERY, description="Free text; matches parts of the fields.")
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Matches to skip.")]
CompanyFilter = Annotated[
    int | None, Query(ge=1, le=MAX_ID, description="Only records of this company.")
]
CodeFilter = Annotated[str | None, Query(max_length=40, description="Code of a list item.")]

__all__ = ["DEFAULT_LIMIT", "CodeFilter", "CompanyFilter", "Limit", "Offset", "SearchText"]


def paged(page: Page[Any], read: Callable[[Any], ReadModel]) -> Paged[ReadModel]:
    return Paged[ReadModel](
        items=[read(item) for item in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )
