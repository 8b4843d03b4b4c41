"""Finds installed connectors through the entry-point group `erpsync.connectors` (R-SDK-1).

A plug-in that fails to import or is not a valid connector is listed with its error
and never breaks the others. `load(key)` returns the class; an unknown key's error
lists the keys that are installed.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

from erpsync.sdk.connector import Connector
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.model import ActorType, Category, ChangeTracking
from erpsync.sdk.pricing import has_pricing

GROUP = "erpsync.connectors"


@dataclass(frozen=True, slots=True)
class ConnectorInfo:
    """What `erpsync connector list` shows of one installed connector."""

    key: str
    name: str = ""
    version: str = ""
    description: str = ""
    actor_types: tuple[ActorType, ...] = ()
    change_tracking: ChangeTracking | None = None
    read_only: bool = False
    pricing: bool = False  # offers price lists and products (`PricingCapability`)
    entry_point: str = ""
    load_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.load_error is None

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "actor_types": [str(actor_type) for actor_type in self.actor_types],
            "change_tracking": None if self.change_tracking is None else str(self.change_tracking),
            "read_only": self.read_only,
            "pricing": self.pricing,
            "entry_point": self.entry_point,
            "load_error": self.load_error,
        }


class UnknownConnector(ConnectorError):
    """No installed connector has this key; the message lists the installed ones."""

    def __init__(self, key: str, known: Iterable[str]) -> None:
        names = ", ".join(sorted(known)) or "none installed"
        super().__init__(
            Category.CONFIG,
            f"No connector {key!r} is installed (installed: {names}).",
            code="unknown_connector",
            connector=key,
        )


class BrokenConnector(ConnectorError):
    """An installed plug-in that cannot be used; the message says why."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(
            Category.SYSTEM,
            f"The connector {key!r} is installed but cannot be loaded: {reason}",
            code="broken_connector",
            connector=key,
        )


def _entry_points(group: str) -> list[EntryPoint]:
    return sorted(entry_points(group=group), key=lambda point: point.name)


def connector_problem(key: str, loaded: object) -> str | None:
    """Why `loaded` (what the entry point named) is not a usable connector class."""
    if not (inspect.isclass(loaded) and issubclass(loaded, Connector)):
        return f"{loaded!r} is not a subclass of erpsync.sdk.Connector"
    if inspect.isabstract(loaded):
        missing = ", ".join(sorted(getattr(loaded, "__abstractmethods__", ())))
        return f"{loaded.__name__} does not implement: {missing}"
    for attribute in ("key", "name", "version"):
        value = getattr(loaded, attribute, None)
        if not isinstance(value, str) or not value.strip():
            return f"{loaded.__name__} has no {attribute} (a non-empty str class attribute)"
    if loaded.key != key:
        return f"{loaded.__name__}.key is {loaded.key!r} but its entry point is named {key!r}"
    if not isinstance(loaded.change_tracking, ChangeTracking):
        return f"{loaded.__name__}.change_tracking must be a ChangeTracking"
    return None


def _load_entry_point(point: EntryPoint) -> type[Connector]:
    try:
        loaded = point.load()
    except Exception as exc:  # any error of the plug-in's import is reported, not raised
        raise BrokenConnector(
            point.name, f"importing {point.value} failed: {type(exc).__name__}: {exc}"
        ) from exc
    problem = connector_problem(point.name, loaded)
    if problem:
        raise BrokenConnector(point.name, problem)
    connector: type[Connector] = loaded
    return connector


def _info(point: EntryPoint) -> ConnectorInfo:
    try:
        cls = _load_entry_point(point)
    except BrokenConnector as exc:
        return ConnectorInfo(point.name, entry_point=point.value, load_error=exc.user_explanation)
    return ConnectorInfo(**cls.facts(), pricing=has_pricing(cls), entry_point=point.value)


def available(points: Iterable[EntryPoint] | None = None) -> list[ConnectorInfo]:
    """Every installed connector by key; broken ones carry `load_error`."""
    chosen = _entry_points(GROUP) if points is None else list(points)
    return [_info(point) for point in chosen]


def load(key: str, points: Iterable[EntryPoint] | None = None) -> type[Connector]:
    """The connector class registered under `key`.

    Raises `UnknownConnector` (config) listing installed keys, or `BrokenConnector`
    (system) when the plug-in is there but unusable.
    """
    chosen = _entry_points(GROUP) if points is None else list(points)
    found = [point for point in chosen if point.name == key]
    if len(found) > 1:
        values = " and ".join(point.value for point in found)
        raise BrokenConnector(key, f"two plug-ins register this key ({values})")
    if found:
        return _load_entry_point(found[0])
    raise UnknownConnector(key, {point.name for point in chosen})
