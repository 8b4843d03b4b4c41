"""The names of List values as Connect's comparison shows them (R-TAB-2): the ERP item's
name, as search and the ERP tab show it, for both sides — the CRM side through the
field's list mapping. A value the mapping or the ERP does not name shows as itself."""

from __future__ import annotations

from collections.abc import Mapping

from erpsync.linking import fields as linking_fields
from erpsync.mapping.transform import CrmValue, TransformError, to_erp
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.model import FieldType
from erpsync.sync.rules import FieldRule


def of_synced(host: ConnectorHost, tf: linking_fields.TypeFields) -> dict[str, dict[str, str]]:
    """Item names of the synced List fields' lists, by list (ids repeat across lists)."""
    names: dict[str, dict[str, str]] = {}
    for rule in tf.synced:
        erp = tf.erp[rule.erp_key]
        if erp.type is FieldType.LIST and erp.list_name and erp.list_name not in names:
            names[erp.list_name] = {item.id: item.name for item in host.list_items(erp.list_name)}
    return names


def texts(
    rule: FieldRule, names: Mapping[str, str], raw: object, crm_value: CrmValue
) -> tuple[str | None, str | None]:
    """The ERP item names of both sides of a List field (CRM side through its mapping)."""
    erp_text = names.get(str(raw)) if raw is not None else None
    try:
        crm_item = to_erp(rule.rule, crm_value) if crm_value is not None else None
    except TransformError:
        crm_item = None  # not mapped to an ERP item: the CRM code shows
    crm_text = names.get(str(crm_item)) if crm_item is not None else None
    return crm_text, erp_text
