"""What the mapping pages share: the rows of the field-mapping form (read from the
service's view or from a submitted form), turning a form into `FieldMappingIn`s, errors
placed next to the ERP field they name, and the page that fixes an activation reason.

No mapping rule lives here: the form becomes the same models the API takes, and the
mapping service decides.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from erpsync.errors import ErpSyncError, ValidationError
from erpsync.mapping.erp import ErpMeta
from erpsync.mapping.schemas import FieldMappingIn, FieldRow
from erpsync.sdk.model import Field, FieldType

#: (pattern of an activation reason, the page that fixes it). Python and the Sync
#: screen's script both use these, so a reason links to the same page everywhere.
FIX_LINKS: tuple[tuple[str, str], ...] = (
    (r"^No actor type is mapped", "/sync/connections/{id}/mapping"),
    (r"^(\w+): the Mandatory ERP field", "/sync/connections/{id}/mapping/{1}"),
    (r"^\w+: the list field .* its ERP list '([^']+)' is not", "/sync/connections/{id}/lists/{1}"),
    (r"both have priority", "/sync/priorities"),
    (r"does not test OK now|cannot be read now", "/sync/connections/{id}/edit"),
)
_ERP_FIELD_IN_MESSAGE = re.compile(r"\(ERP field '(.+?)'\)$")
FIELD_PREFIXES = ("crm", "dir", "search", "tab", "default", "mode", "policy", "conv", "rank")


def fix_link(connection_id: int, reason: str) -> str | None:
    """The page where the administrator fixes this activation reason, if one does."""
    for pattern, url in FIX_LINKS:
        found = re.search(pattern, reason)
        if found:
            link = url.replace("{id}", str(connection_id))
            for index, group in enumerate(found.groups(), start=1):
                link = link.replace("{" + str(index) + "}", group)
            return link
    return None


@dataclass
class RowView:
    """One ERP field as the form shows it; every value as the form's text."""

    key: str
    display_name: str
    type: str
    access: str
    list_name: str | None
    mapped: bool
    crm_field: str = ""
    direction: str = "none"
    search: bool = False
    tab: bool = False
    default: str = ""
    mode: str = ""
    policy: str = "erp_wins"
    conversion: str = ""
    rank: int = 0
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def read_only(self) -> bool:
        return self.access == "ReadOnly"

    @property
    def mandatory(self) -> bool:
        return self.access == "Mandatory"


def default_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def rows_from_view(found: list[FieldRow]) -> list[RowView]:
    """The stored mapping in rank order; unmapped fields after, ranked on."""
    rows = []
    for position, item in enumerate(found, start=1):
        rows.append(
            RowView(
                key=item.erp_field,
                display_name=item.display_name,
                type=item.type,
                access=item.access,
                list_name=item.list_name,
                mapped=item.mapped,
                crm_field=item.crm_field or "",
                direction=item.direction,
                search=item.show_in_search,
                tab=item.show_on_tab,
                default=default_text(item.default_value),
                mode=item.default_mode or "",
                policy=item.conflict_policy,
                conversion=item.conversion or "",
                rank=position,
            )
        )
    return rows


def _erp_keys(form: dict[str, str]) -> list[str]:
    keys: list[str] = []
    for name in form:
        prefix, _, key = name.partition(".")
        if prefix in FIELD_PREFIXES and key and key not in keys:
            keys.append(key)
    return keys


def _rank(form: dict[str, str], key: str, fallback: int) -> int:
    text = form.get(f"rank.{key}", "").strip()
    if not text:
        return fallback
    if not text.isdigit() or int(text) > 1_000_000:
        raise ValidationError(f"rank: '{text}' is not a position", field="rank", value=text)
    return int(text)


def rows_from_form(meta: ErpMeta, actor_type: str, form: dict[str, str]) -> list[RowView]:
    """The submitted form as rows, in the submitted rank order; an ERP field the ERP does
    not have is a ValidationError naming it."""
    fields = {f.key: f for f in meta.fields_of(actor_type)}
    for key in _erp_keys(form):
        meta.field(actor_type, key)
    rows = []
    for position, erp in enumerate(sorted(fields.values(), key=lambda f: f.rank), start=1):
        rows.append(_row_from_form(erp, form, position))
    rows.sort(key=lambda row: row.rank)
    return rows


def _row_from_form(erp: Field, form: dict[str, str], position: int) -> RowView:
    key = erp.key
    row = RowView(
        key=key,
        display_name=erp.display_name,
        type=erp.type.value,
        access=erp.access.value,
        list_name=erp.list_name,
        mapped=False,
        crm_field=form.get(f"crm.{key}", "").strip(),
        direction=form.get(f"dir.{key}", "none").strip() or "none",
        search=form.get(f"search.{key}") == "on",
        tab=form.get(f"tab.{key}") == "on",
        default=form.get(f"default.{key}", "").strip(),
        mode=form.get(f"mode.{key}", "").strip(),
        policy=form.get(f"policy.{key}", "erp_wins").strip() or "erp_wins",
        conversion=form.get(f"conv.{key}", "").strip(),
        rank=position,
    )
    try:
        row.rank = _rank(form, key, 1_000_000 + position)
    except ValidationError as exc:
        row.errors["rank"] = exc.message.removeprefix("rank: ")
    row.mapped = bool(row.crm_field or row.default or row.mode or row.search or row.tab) or (
        row.direction != "none"
    )
    return row


def spec_of(row: RowView, erp: Field) -> FieldMappingIn:
    """The row as the service's input; a Pydantic error is placed on the row."""
    default: Any = row.default or None
    if default is not None and erp.type is FieldType.CHECKBOX:
        default = default.lower() in ("true", "on", "yes", "ja", "1")
    data = {
        "erp_field": row.key,
        "crm_field": row.crm_field or None,
        "direction": row.direction,
        "show_in_search": row.search,
        "show_on_tab": row.tab,
        "default_value": default,
        "default_mode": row.mode or None,
        "conflict_policy": row.policy,
        "conversion": row.conversion or None,
    }
    return FieldMappingIn.model_validate(data)


def specs_of(meta: ErpMeta, actor_type: str, rows: list[RowView]) -> list[FieldMappingIn]:
    """Specs of the mapped rows in row order; errors go onto their rows."""
    specs = []
    for row in rows:
        if not row.mapped:
            continue
        try:
            specs.append(spec_of(row, meta.field(actor_type, row.key)))
        except PydanticValidationError as exc:
            for error in exc.errors():
                name = str(error["loc"][0]) if error["loc"] else "form"
                row.errors.setdefault(name, error["msg"])
    return specs


def place_error(rows: list[RowView], exc: ErpSyncError) -> str | None:
    """Put a service error next to its ERP field; returns it when it belongs to none."""
    found = _ERP_FIELD_IN_MESSAGE.search(exc.message)
    name = exc.field or "form"
    if found:
        for row in rows:
            if row.key == found.group(1):
                text = exc.message.removeprefix(f"{name}: ")
                row.errors[name] = _ERP_FIELD_IN_MESSAGE.sub("", text).strip()
                return None
    return exc.message


def moved(rows: list[RowView], move: str) -> list[RowView]:
    """Rows after `move` = "<erp field>|up" or "|down": the field swaps with its mapped
    neighbour; ranks renumbered 1…n."""
    key, _, way = move.rpartition("|")
    mapped = [row for row in rows if row.mapped]
    rest = [row for row in rows if not row.mapped]
    keys = [row.key for row in mapped]
    if key in keys and way in ("up", "down"):
        at = keys.index(key)
        to = at - 1 if way == "up" else at + 1
        if 0 <= to < len(mapped):
            mapped[at], mapped[to] = mapped[to], mapped[at]
    ordered = mapped + rest
    for position, row in enumerate(ordered, start=1):
        row.rank = position
    return ordered
