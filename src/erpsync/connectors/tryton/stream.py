"""The change stream of parties: three sub-streams over Tryton's `last_modified_at`
(its write date, else its create date), one per model that holds a party's values.

Why three: editing an address or a contact mechanism record changes that record's
date, not the party's. So the stream reads `party.party`, `party.address` and
`party.contact_mechanism` in turn, each ordered by (stamp, id), and reports the
*party* of every changed row.

The cursor holds the server's clock at the start of the read (T0, from the HTTP Date
header) and one position (stamp in µs, id) per sub-stream. Tryton takes a stamp before
its transaction commits, so a row the read could not see yet has a stamp no older than
T0 − overlap: a resumed read starts there when that is before the position (the
engine drops the repeats by shadow compare). Measuring the window from T0 rather than
from the position means an old group of equal stamps is not read again on every run.
Positions only ever move forward. A first read (no cursor) reads every party and starts
the address and mechanism sub-streams at their newest row as of the start of that
read, since the party read already holds their current values.

An address or mechanism row stamped exactly like its party was written in the party's
own transaction (e.g. created with it): the party sub-stream reports that party, so
the other sub-streams skip it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from erpsync.connectors.tryton.parties import ADDRESS, ALL, MECHANISM, PARTY, PARTY_READ, Parties
from erpsync.connectors.tryton.rpc import from_stamp_us, stamp_us
from erpsync.sdk import Actor, Category, ChangeBatch, ConnectorError

SOURCES = (PARTY, ADDRESS, MECHANISM)
STAMP = "last_modified_at"
Position = tuple[int, int]  # (stamp in µs since the epoch, id); (0, 0) = the beginning
START: Position = (0, 0)
#: Rows per page of the address and mechanism sub-streams.
ROW_PAGE = 200


def encode_cursor(read_at: int, positions: Sequence[Position]) -> str:
    return f"v2:{read_at};" + ";".join(f"{stamp}.{ident}" for stamp, ident in positions)


def decode_cursor(cursor: str | None) -> tuple[int, list[Position]] | None:
    if cursor is None or cursor == "":
        return None
    try:
        version, body = cursor.split(":", 1)
        read_at, *rest = body.split(";")
        parts = [tuple(int(n) for n in part.split(".")) for part in rest]
        if version != "v2" or len(parts) != len(SOURCES) or any(len(p) != 2 for p in parts):
            raise ValueError(cursor)
        return int(read_at), [(p[0], p[1]) for p in parts]
    except ValueError:
        raise ConnectorError(
            Category.SYSTEM,
            f"The Tryton connector cannot resume from cursor {cursor!r}; reset the sync cursor.",
            code="bad_cursor",
        ) from None


def cursor_order(cursor: str) -> int:
    """Every position only moves forward, so their sum never goes backwards either."""
    decoded = decode_cursor(cursor)
    return sum(stamp + ident for stamp, ident in decoded[1]) if decoded else 0


def _after(position: Position) -> list[Any]:
    stamp, ident = position
    if position == START:
        return []
    moment = from_stamp_us(stamp)
    return [["OR", [(STAMP, ">", moment)], [(STAMP, "=", moment), ("id", ">", ident)]]]


class PartyStream:
    def __init__(self, parties: Parties, overlap_seconds: int) -> None:
        self.parties = parties
        self.client = parties.client
        self.overlap_us = max(0, overlap_seconds) * 1_000_000

    def _source_domain(self, source: str) -> list[Any]:
        """The type's rule on the rows of one sub-stream (a party, or a row of a party)."""
        rule = list(self.parties.rule.domain)
        if source == PARTY:
            return rule
        return [(f"party.{leaf[0]}", *leaf[1:]) for leaf in rule]

    def _page(self, source: str, position: Position, size: int) -> list[dict[str, Any]]:
        fields = [STAMP, *PARTY_READ] if source == PARTY else ["id", STAMP, "party"]
        return self.client.search_read(
            source,
            [*self._source_domain(source), *_after(position)],
            fields,
            limit=size,
            order=[(STAMP, "ASC"), ("id", "ASC")],
            context=ALL,
        )

    def newest(self, source: str) -> Position:
        rows = self.client.search_read(
            source,
            self._source_domain(source),
            ["id", STAMP],
            limit=1,
            order=[(STAMP, "DESC"), ("id", "DESC")],
            context=ALL,
        )
        return _position(rows[-1]) if rows else START

    def _server_now(self) -> int:
        """The server's clock, taken by a trivial call made before any row is read
        (0 when the server sends no Date header: windows then count from positions)."""
        self.client.model("ir.module", "search_count", [("id", "=", 0)])
        moment = self.client.server_time
        # The Date header has whole seconds: one more second keeps T0 before the reads.
        return max(0, stamp_us(moment) - 1_000_000) if moment else 0

    def changes(
        self, cursor: str | None, field_keys: Sequence[str] | None, size: int
    ) -> Iterator[ChangeBatch]:
        read_at = self._server_now()
        given = decode_cursor(cursor)
        if given is None:
            # Taken before the party read, so a row changed during it is read again.
            positions = [START, self.newest(ADDRESS), self.newest(MECHANISM)]
            read_from = list(positions)
        else:
            before, positions = given[0], list(given[1])
            read_from = [self._start(p, before) for p in positions]
        for index, source in enumerate(SOURCES):
            at = read_from[index]
            # Address and mechanism rows often name no party to report (skipped, or
            # repeated): read them in larger pages, batches still hold ≤ size actors.
            page = size if source == PARTY else max(size, ROW_PAGE)
            while True:
                rows = self._page(source, at, page)
                for actors, upto in self._batches(source, rows, field_keys, size):
                    positions[index] = max(positions[index], upto)
                    yield ChangeBatch(actors, encode_cursor(read_at, positions))
                if rows:
                    at = _position(rows[-1])
                    positions[index] = max(positions[index], at)
                if len(rows) < page:
                    break
        yield ChangeBatch([], encode_cursor(read_at, positions), True)

    def _batches(
        self,
        source: str,
        rows: list[dict[str, Any]],
        field_keys: Sequence[str] | None,
        size: int,
    ) -> Iterator[tuple[list[Actor], Position]]:
        """Batches of ≤ size actors from one page, each with the position of the last
        row it covers (resuming there re-reads the rest of the page: nothing is lost)."""
        if not rows:
            return
        if source == PARTY:
            yield self.parties.actors(rows, field_keys), _position(rows[-1])
            return
        ids = list(dict.fromkeys(row["party"] for row in rows if row.get("party")))
        parties = {row["id"]: row for row in self.parties.rows(ids, [STAMP])}
        chosen: list[int] = []
        upto = START
        for row in rows:
            party = parties.get(row.get("party"))
            if party is None or row[STAMP] == party[STAMP] or party["id"] in chosen:
                continue
            if len(chosen) == size:
                yield self.parties.actors([parties[i] for i in chosen], field_keys), upto
                chosen = []
            chosen.append(party["id"])
            upto = _position(row)
        if chosen:
            yield self.parties.actors([parties[i] for i in chosen], field_keys), upto

    def _start(self, position: Position, read_at: int) -> Position:
        """Where a resumed sub-stream reads from (see the module docstring)."""
        if position == START:
            return START
        floor = (read_at or position[0]) - self.overlap_us
        return position if position[0] < floor else (max(0, floor), 0)


def _position(row: dict[str, Any]) -> Position:
    moment = row.get(STAMP)
    return (stamp_us(moment) if moment is not None else 0, int(row["id"]))
