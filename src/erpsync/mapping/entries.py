"""Where in a list of field mappings an error lies (R-MAP-1, R-NF-2).

The service checks a whole set and names the field (`direction`, `crm_field` …); an
API body or an imported document also wants the entry: `fields.2.direction`,
`mapping.Customer.fields[2].direction`. Checking growing prefixes finds the first
entry that brings the error in, including the rules between entries (one ERP writer per
CRM field, no field twice). The checks are pure, so this costs no database round trip.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from erpsync.errors import ValidationError
from erpsync.mapping import service
from erpsync.mapping.erp import ErpMeta
from erpsync.mapping.schemas import FieldMappingIn


def check_entries(
    meta: ErpMeta,
    actor_type: str,
    specs: list[FieldMappingIn],
    targets: dict[str, str],
    where: Callable[[int], str],
    names: Mapping[str, str] | None = None,
) -> None:
    """Raise the first error at `where(index)` + its field (renamed through `names`)."""
    meta.type_of(actor_type)
    for index in range(len(specs)):
        try:
            service.check_all(meta, actor_type, specs[: index + 1], targets)
        except ValidationError as exc:
            inner = (names or {}).get(exc.field or "", exc.field)
            path = f"{where(index)}.{inner}" if inner else where(index)
            why = exc.message
            if exc.field and why.startswith(f"{exc.field}: "):
                why = why[len(exc.field) + 2 :]
            raise ValidationError(f"{path}: {why}", field=path) from None
