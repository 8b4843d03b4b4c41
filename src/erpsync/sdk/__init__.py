"""The connector SDK: everything a connector package needs, and nothing of the CRM.

    from erpsync.sdk import Connector, Actor, ActorType, Field, FieldType, ...

`OpenedState`, `opened_batch_size` and `save_each` serve the shape most connectors share
(state from `open` to `close`, a save one actor at a time).
`erpsync.sdk.host.ConnectorHost` is the engine side (timeouts, retries, checks),
`erpsync.sdk.registry` finds installed connectors, `erpsync.sdk.codec` is the JSON
form of the contract, and `erpsync.sdk.testkit` is the conformance kit (pytest).
"""

from erpsync.sdk.connector import ConfigValues, Connector
from erpsync.sdk.errors import (
    UNKNOWN_CONNECTION,
    ConnectorError,
    config_error,
    data_error,
    transient_error,
    unknown_connection,
)
from erpsync.sdk.model import (
    Access,
    Actor,
    ActorRef,
    ActorType,
    Category,
    ChangeBatch,
    ChangeTracking,
    Field,
    FieldType,
    ListItem,
    Operator,
    Response,
    Restriction,
    SaveResult,
    State,
    Value,
)
from erpsync.sdk.opened import OpenedState, opened_batch_size
from erpsync.sdk.operators import matches, operators_for, search_rank
from erpsync.sdk.pricing import (
    PriceList,
    PricingCapability,
    Product,
    ProductPage,
    has_pricing,
)
from erpsync.sdk.saving import save_each
from erpsync.sdk.values import normalise, parse_text

__all__ = [
    "UNKNOWN_CONNECTION",
    "Access",
    "Actor",
    "ActorRef",
    "ActorType",
    "Category",
    "ChangeBatch",
    "ChangeTracking",
    "ConfigValues",
    "Connector",
    "ConnectorError",
    "Field",
    "FieldType",
    "ListItem",
    "OpenedState",
    "Operator",
    "PriceList",
    "PricingCapability",
    "Product",
    "ProductPage",
    "Response",
    "Restriction",
    "SaveResult",
    "State",
    "Value",
    "config_error",
    "data_error",
    "has_pricing",
    "matches",
    "normalise",
    "opened_batch_size",
    "operators_for",
    "parse_text",
    "save_each",
    "search_rank",
    "transient_error",
    "unknown_connection",
]
