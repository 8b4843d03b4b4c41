"""Classes that are not usable connectors."""

from __future__ import annotations

from erpsync.connectors.demo import DemoConnector
from erpsync.sdk import Connector


class NotAConnector:
    key = "plain"


class Unfinished(Connector):
    key = "unfinished"
    name = "Unfinished"
    version = "0.1"


class NoVersion(DemoConnector):
    key = "no_version"
    version = ""
