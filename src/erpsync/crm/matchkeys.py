"""Normalised match keys of CRM records, indexed, for the import's duplicate rules (R-SEM-10).

Each live company, person and project has one row per rule it can be found by:
`number` (number/code), `vat` (VAT or organisation number), `name` (normalised name),
`email` and `domain` (of the web site). A duplicate rule looks keys up with one indexed
query per batch and rule (`find`), never a scan per row. The keys are kept current whenever
a record is written: the CRM service calls `refresh` after its flush, the engine's bulk
writer (`sync.crmrows`) calls `add` and `refresh`; `refresh` writes only the keys that
changed. Deleted records have no keys.

ERP actors are normalised with the same functions (`keys_of` over the CRM values the
transform module gives), so both sides compare in one form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import BigInteger, Index, String, Table, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from erpsync.crm.models import Company, Person, Project
from erpsync.db import bulk, bulk_update
from erpsync.db.base import Base

NUMBER = "number"
VAT = "vat"
NAME = "name"
EMAIL = "email"
DOMAIN = "domain"
RULES = (NUMBER, VAT, NAME, EMAIL, DOMAIN)
MAX_VALUE = 254
CHUNK = 1000


class MatchKey(Base):
    """One normalised key of one CRM record; the primary key is the lookup index."""

    __tablename__ = "crm_match_keys"
    __table_args__ = (Index("ix_crm_match_keys_record", "kind", "crm_id"),)

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    rule: Mapped[str] = mapped_column(String(10), primary_key=True)
    value: Mapped[str] = mapped_column(String(MAX_VALUE), primary_key=True)
    crm_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)


KEYS: Table = MatchKey.__table__  # type: ignore[assignment]
MODELS: dict[str, Any] = {"company": Company, "person": Person, "project": Project}

# --- normalising -----------------------------------------------------------------------

# fmt: off
_LEGAL_FORMS = frozenset([
    "ab", "aktiebolag", "hb", "kb", "ek", "oy", "oyj", "as", "asa", "aps", "a/s", "ltd",
    "limited", "llc", "llp", "inc", "incorporated", "corp", "corporation", "co", "plc",
    "gmbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "ehf",
])
# fmt: on
_NOT_WORD = re.compile(r"[^\w]+")
_VAT_PREFIX = re.compile(r"^[A-Z]{2}(?=\d)")
_NOT_VAT = re.compile(r"[^0-9A-Za-z]")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")


def _text(value: object) -> str:
    if value is None:
        return ""
    text = value if type(value) is str else str(value)
    if text.isascii():  # NFKC leaves ASCII as it is
        return text.strip()
    return unicodedata.normalize("NFKC", text).strip()


def norm_number(value: object) -> str | None:
    """Number or code: case and spaces do not count."""
    found = "".join(_text(value).split()).casefold()
    return found or None


def norm_vat(value: object) -> str | None:
    """VAT or organisation number: letters and digits only; a country prefix and the
    Swedish `01` suffix dropped, so `SE556677889901` meets `556677-8899`."""
    found = _NOT_VAT.sub("", _text(value)).upper()
    if _VAT_PREFIX.match(found):
        country, found = found[:2], found[2:]
        if country == "SE" and len(found) == 12 and found.endswith("01"):
            found = found[:10]
    return found or None


def norm_name(value: object) -> str | None:
    """Name: case, punctuation, '&' and a trailing legal form (AB, Ltd, GmbH …) do not count."""
    text = _text(value).casefold().replace("&", " and ")
    words = [w for w in _NOT_WORD.sub(" ", text.replace("a/s", "as")).split() if w != "_"]
    while len(words) > 1 and words[-1] in _LEGAL_FORMS:
        words.pop()
    while len(words) > 1 and words[0] in _LEGAL_FORMS:
        words.pop(0)
    return " ".join(words) or None


def norm_email(value: object) -> str | None:
    found = _text(value).casefold()
    return found if "@" in found.strip("@") else None


def norm_domain(value: object) -> str | None:
    """The host of a web address without `www.`: `https://www.Acme.se/om` → `acme.se`."""
    found = _text(value).casefold()
    found = _SCHEME.sub("", found, count=1)
    found = found.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    found = found.rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
    found = found.removeprefix("www.")
    return found if "." in found and " " not in found else None


def _person_name(row: Mapping[str, Any]) -> str | None:
    return norm_name(f"{row.get('first_name') or ''} {row.get('last_name') or ''}")


Keyer = Callable[[Mapping[str, Any]], str | None]
#: Per CRM kind: rule → how to read its key from a record's CRM values.
KEYERS: dict[str, dict[str, Keyer]] = {
    "company": {
        NUMBER: lambda row: norm_number(row.get("number")),
        VAT: lambda row: norm_vat(row.get("org_no")),
        NAME: lambda row: norm_name(row.get("name")),
        EMAIL: lambda row: norm_email(row.get("email")),
        DOMAIN: lambda row: norm_domain(row.get("web")),
    },
    "person": {
        NAME: _person_name,
        EMAIL: lambda row: norm_email(row.get("email")),
    },
    "project": {
        NUMBER: lambda row: norm_number(row.get("number")),
        NAME: lambda row: norm_name(row.get("name")),
    },
}
#: The CRM fields each rule reads, per kind (a rule needs all of them mapped to apply).
RULE_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "company": {
        NUMBER: ("number",),
        VAT: ("org_no",),
        NAME: ("name",),
        EMAIL: ("email",),
        DOMAIN: ("web",),
    },
    "person": {NAME: ("first_name", "last_name"), EMAIL: ("email",)},
    "project": {NUMBER: ("number",), NAME: ("name",)},
}
KEY_COLUMNS: dict[str, frozenset[str]] = {
    kind: frozenset(f for fields in rules.values() for f in fields) | {"deleted_at"}
    for kind, rules in RULE_FIELDS.items()
}


def keys_of(kind: str, row: Mapping[str, Any]) -> dict[str, str]:
    """The match keys of one record (or actor) from its CRM values."""
    found: dict[str, str] = {}
    for rule, keyer in KEYERS[kind].items():
        value = keyer(row)
        if value:
            found[rule] = value[:MAX_VALUE]
    return found


# --- keeping them current ----------------------------------------------------------------


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), CHUNK):
        yield wanted[start : start + CHUNK]


def add(session: Session, kind: str, records: Iterable[tuple[int, Mapping[str, Any]]]) -> None:
    """Keys of newly inserted records (their column values at hand; no read)."""
    keyers = KEYERS[kind]
    rows = [
        (rule, value[:MAX_VALUE], crm_id)
        for crm_id, values in records
        if values.get("deleted_at") is None
        for rule, keyer in keyers.items()
        if (value := keyer(values))
    ]
    # In index order: neighbouring inserts touch the same index pages.
    rows.sort()
    bulk.insert_tuples(session, KEYS, ("rule", "value", "crm_id"), rows, {"kind": kind})


def refresh(session: Session, kind: str, ids: Iterable[int]) -> None:
    """Bring the keys of these records in line with what they hold now (after a flush):
    per chunk one read of the records and one of their stored keys, then only the keys
    that differ are deleted and inserted (an update of the e-mail rewrites one row)."""
    if kind not in MODELS:
        return
    table: Table = MODELS[kind].__table__
    columns = [table.c[name] for name in sorted(KEY_COLUMNS[kind])]
    keyers = KEYERS[kind]
    for chunk in _chunks(ids):
        found = session.execute(
            select(table.c.id, *columns).where(bulk.among(session, table.c.id, chunk))
        ).all()
        records = [(int(raw.id), dict(raw._mapping)) for raw in found]
        wanted = {
            (rule, value[:MAX_VALUE], crm_id)
            for crm_id, values in records
            if values.get("deleted_at") is None
            for rule, keyer in keyers.items()
            if (value := keyer(values))
        }
        stored = {
            (rule, value, int(crm_id))
            for rule, value, crm_id in session.execute(
                select(KEYS.c.rule, KEYS.c.value, KEYS.c.crm_id).where(
                    KEYS.c.kind == kind, bulk.among(session, KEYS.c.crm_id, chunk)
                )
            )
        }
        _delete(session, kind, sorted(stored - wanted))
        # In index order: neighbouring inserts touch the same index pages.
        rows = sorted(wanted - stored)
        bulk.insert_tuples(session, KEYS, ("rule", "value", "crm_id"), rows, {"kind": kind})


def _delete(session: Session, kind: str, rows: Sequence[tuple[str, str, int]]) -> None:
    """Delete keys by their primary key (one statement on PostgreSQL)."""
    bulk_update.delete_tuples(session, KEYS, ("rule", "value", "crm_id"), rows, {"kind": kind})


def find(session: Session, kind: str, rule: str, values: Iterable[str]) -> dict[str, list[int]]:
    """Live CRM records by key: value → their ids (ascending), one indexed query per 1,000."""
    wanted = sorted(set(values))
    found: dict[str, list[int]] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        rows = session.execute(
            select(KEYS.c.value, KEYS.c.crm_id)
            .where(KEYS.c.kind == kind, KEYS.c.rule == rule, KEYS.c.value.in_(chunk))
            .order_by(KEYS.c.value, KEYS.c.crm_id)
        ).all()
        for value, crm_id in rows:
            found.setdefault(value, []).append(int(crm_id))
    return found


def rebuild(session: Session, kinds: Sequence[str] = tuple(MODELS)) -> int:
    """Recompute every key (after a bulk load outside erpsync); returns the records seen."""
    written = 0
    for kind in kinds:
        table: Table = MODELS[kind].__table__
        session.execute(delete(KEYS).where(KEYS.c.kind == kind))
        last = 0
        while True:
            ids = list(
                session.scalars(
                    select(table.c.id).where(table.c.id > last).order_by(table.c.id).limit(CHUNK)
                )
            )
            if not ids:
                break
            refresh(session, kind, ids)
            written += len(ids)
            last = ids[-1]
    return written
