"""A valid third-party connector (the demo one under another key)."""

from __future__ import annotations

from erpsync.connectors.demo import DemoConnector
from erpsync.sdk import ActorType


class Acme(DemoConnector):
    key = "acme"
    name = "Acme ERP"
    version = "2.1.0"
    supported_actor_types = (ActorType.CUSTOMER,)
