"""Opening a Tryton connection: the configuration values checked and resolved against
the database (login, activated modules, the customer/supplier rules, the person
relation type, the project statuses meaning closed), each mistake a `config` error
naming the field and listing what exists."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from erpsync.connectors.tryton.fields import CONFIG_FIELDS
from erpsync.connectors.tryton.parents import ParentParties
from erpsync.connectors.tryton.parties import PARTY_TYPES, Parties, Rule
from erpsync.connectors.tryton.persons import Persons
from erpsync.connectors.tryton.projects import Projects
from erpsync.connectors.tryton.rpc import TrytonClient
from erpsync.sdk import ActorType, ConfigValues, config_error

DEFAULT_RELATION = "Employee of"
Records = Parties | Persons | Projects


@dataclass(slots=True)
class Opened:
    """What an open connection knows about its Tryton database."""

    client: TrytonClient
    rules: dict[ActorType, Rule]
    modules: set[str]
    relation_type: int | None = None  # persons offered when set
    closed_statuses: list[int] = field(default_factory=list)
    company: int | None = None  # the user's current company (projects are created there)

    @property
    def projects(self) -> bool:
        return "project" in self.modules


def text(values: ConfigValues, key: str, label: str) -> str:
    value = values.get(key)
    if not isinstance(value, str) or not value.strip():
        raise config_error(f"Enter the {label}.", code=key)
    return value.strip()


def number(values: ConfigValues, key: str, default: int, low: int, high: int) -> int:
    value = values.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        label = next(f.display_name for f in CONFIG_FIELDS if f.key == key)
        raise config_error(f"{label} must be a whole number from {low} to {high}.", code=key)
    return value


def names(values: ConfigValues, key: str) -> list[str]:
    value = values.get(key)
    if not isinstance(value, str):
        return []
    return [name.strip() for name in value.split(",") if name.strip()]


def connect(values: ConfigValues) -> Opened:
    """Log in and resolve the configuration; close the client on failure."""
    url = text(values, "url", "server URL")
    if not url.startswith(("http://", "https://")):
        raise config_error(
            f"{url!r} is not a valid server URL: write it like http://erp.example.com:8000.",
            code="url",
        )
    client = TrytonClient(url, text(values, "database", "database name"))
    try:
        password = values.get("password")
        client.login(text(values, "user", "user name"), str(password or ""))
        number(values, "overlap_seconds", 300, 0, 86_400)
        number(values, "batch_size", 500, 1, 10_000)
        modules = {
            row["name"]
            for row in client.search_read("ir.module", [("state", "=", "activated")], ["name"])
        }
        opened = Opened(client, _rules(client, values), modules)
        if "party_relationship" in modules:
            opened.relation_type = _relation_type(client, values)
        if opened.projects:
            opened.closed_statuses = _closed_statuses(client, values)
            preferences = client.call("model.res.user.get_preferences", True, {})
            company = preferences.get("company") if isinstance(preferences, dict) else None
            opened.company = company if isinstance(company, int) else None
    except BaseException:
        client.close()
        raise
    return opened


def _relation_type(client: TrytonClient, values: ConfigValues) -> int | None:
    raw = values.get("person_relation", DEFAULT_RELATION)
    name = raw.strip() if isinstance(raw, str) else ""
    if not name:
        return None
    rows = client.search_read("party.relation.type", [("name", "=", name)], ["id"])
    if rows:
        return int(rows[0]["id"])
    existing = sorted(r["name"] for r in client.search_read("party.relation.type", [], ["name"]))
    raise config_error(
        f"Tryton has no party relation type {name!r} for persons; existing ones: "
        f"{', '.join(existing) or 'none'}.",
        code="person_relation",
    )


def _closed_statuses(client: TrytonClient, values: ConfigValues) -> list[int]:
    wanted = names(values, "project_closed_statuses")
    if not wanted:
        return []
    rows = client.search_read(
        "project.work.status", [], ["id", "name", "types"], context={"active_test": False}
    )
    rows = [r for r in rows if "project" in (r.get("types") or [])]
    missing = [n for n in wanted if n not in {r["name"] for r in rows}]
    if missing:
        raise config_error(
            f"Tryton has no project status {', '.join(repr(m) for m in missing)}; existing "
            f"ones: {', '.join(sorted(r['name'] for r in rows)) or 'none'}.",
            code="project_closed_statuses",
        )
    return [int(r["id"]) for r in rows if r["name"] in wanted]


def _rules(client: TrytonClient, values: ConfigValues) -> dict[ActorType, Rule]:
    wanted = {
        ActorType.CUSTOMER: names(values, "customer_categories"),
        ActorType.SUPPLIER: names(values, "supplier_categories"),
    }
    every = values.get("all_parties_customers") is True
    asked = set(wanted[ActorType.SUPPLIER]) | set(wanted[ActorType.CUSTOMER])
    rows = client.search_read("party.category", [("name", "in", sorted(asked))], ["id", "name"])
    ids: dict[str, list[int]] = {}
    for row in rows:
        ids.setdefault(row["name"], []).append(row["id"])
    # With every party a customer, the customer categories only label new customers.
    needed = set(wanted[ActorType.SUPPLIER]) | (set() if every else set(wanted[ActorType.CUSTOMER]))
    missing = sorted(needed - set(ids))
    if missing:
        existing = [row["name"] for row in client.search_read("party.category", [], ["name"])]
        raise config_error(
            f"Tryton has no party categor{'y' if len(missing) == 1 else 'ies'} "
            f"{', '.join(repr(m) for m in missing)}; existing ones: "
            f"{', '.join(sorted(existing)) or 'none'}.",
            code="categories",
        )
    rules: dict[ActorType, Rule] = {}
    if every:
        first = [i for n in wanted[ActorType.CUSTOMER][:1] for i in ids.get(n, [])]
        rules[ActorType.CUSTOMER] = Rule(ActorType.CUSTOMER, (), tuple(first))
    for actor_type in PARTY_TYPES:
        if actor_type in rules or not wanted[actor_type]:
            continue
        members = [i for n in wanted[actor_type] for i in ids[n]]
        domain: tuple[Any, ...] = (("categories", "in", members),)
        rules[actor_type] = Rule(
            actor_type, domain, tuple(ids[wanted[actor_type][0]]), tuple(members)
        )
    if not rules:
        raise config_error(
            "Name at least one customer or supplier category, or make all parties customers.",
            code="customer_categories",
        )
    return rules


def offered(opened: Opened) -> list[ActorType]:
    """The actor types the open connection offers."""
    types = list(opened.rules)
    if opened.relation_type is not None:
        types.append(ActorType.PERSON)
    if opened.projects:
        types.append(ActorType.PROJECT)
    return types


def records_of(opened: Opened, actor_type: ActorType) -> Records:
    """The reader and writer of one offered actor type."""
    client = opened.client
    if actor_type in opened.rules:
        return Parties(client, opened.rules[actor_type])
    parents = ParentParties(client, opened.rules)
    if actor_type is ActorType.PERSON and opened.relation_type is not None:
        return Persons(client, opened.relation_type, parents)
    return Projects(client, parents, opened.closed_statuses, opened.company)
