"""Map a whole connection in one go: automap every actor type, choose directions, match
the lists and cover Mandatory fields — what `make demo`, `erpsync mapping automap
--apply` and tests use to get a connection ready for activation."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from erpsync.crm.lists import list_items
from erpsync.mapping import automap, lists, service
from erpsync.mapping.crm_fields import crm_field
from erpsync.mapping.erp import ErpMeta
from erpsync.mapping.schemas import FieldMappingIn
from erpsync.sdk.model import FieldType


@dataclass
class Summary:
    """What was mapped: fields per actor type and pairs per list."""

    fields: dict[str, int] = field(default_factory=dict)
    lists: dict[str, int] = field(default_factory=dict)


def _directed(meta: ErpMeta, actor_type: str, spec: FieldMappingIn) -> FieldMappingIn:
    erp = meta.field(actor_type, spec.erp_field)
    update: dict[str, object] = {"rank": None}
    if spec.crm_field and spec.direction == "none":
        update["direction"] = "to_crm" if erp.read_only else "both"
        update["show_on_tab"] = update["show_in_search"] = True
    if erp.mandatory and not erp.read_only and spec.crm_field is None and spec.default_mode is None:
        update["default_mode"] = "mandatory"  # the user gives it on Create in ERP
    return spec.model_copy(update=update)


def map_connection(session: Session, meta: ErpMeta, connection_id: int) -> Summary:
    """Automap, `both` (ReadOnly: `to_crm`) for every proposal, lists auto-matched."""
    summary = Summary()
    targets: dict[str, str] = {}
    for actor_type in meta.actor_types:
        automap.automap(session, meta, connection_id, actor_type.value, apply=True)
        specs = [
            service.as_spec(r) for r in service.stored(session, connection_id, actor_type.value)
        ]
        mapped = {s.erp_field for s in specs}
        specs += [
            FieldMappingIn(erp_field=f.key)
            for f in meta.fields_of(actor_type)
            if f.mandatory and f.key not in mapped
        ]
        specs = [_directed(meta, actor_type.value, s) for s in specs]
        service.put_all(session, meta, connection_id, actor_type.value, specs)
        summary.fields[actor_type.value] = sum(1 for s in specs if s.crm_field)
        for spec in specs:
            erp = meta.field(actor_type.value, spec.erp_field)
            if erp.type is FieldType.LIST and spec.crm_field and erp.list_name:
                crm = crm_field(actor_type, spec.crm_field)
                targets.setdefault(erp.list_name, crm.list_name or "")
    for erp_list, crm_list in targets.items():
        if crm_list and list_items(session, crm_list):
            report = lists.propose(session, meta, connection_id, erp_list, crm_list, apply=True)
            summary.lists[erp_list] = len(report.items)
    return summary
