"""Shared building blocks of the Pydantic models at the edge (API, CLI, pages)."""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import BaseModel, model_validator


class UpdateModel(BaseModel):
    """A partial update: omitted fields stay as they are.

    `None` means "not given" for most fields; a field listed in `not_null` may be omitted
    but not set to null explicitly (the column cannot be empty), which is refused with a
    validation error naming the field instead of failing in the database.
    """

    not_null: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _refuse_explicit_nulls(self) -> Self:
        for name in sorted(self.not_null & self.model_fields_set):
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null; omit it to keep the current value")
        return self
