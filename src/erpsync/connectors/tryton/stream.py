"""The change stream of one actor type: sub-streams over Tryton's `last_modified_at`
(its write date, else its create date), one per model that holds the actor's values.

Why several: editing an address or a contact mechanism changes that record's date, not
the party's. So the stream of parties reads `party.party`, `party.address` and
`party.contact_mechanism` in turn, each ordered by (stamp, id), and reports the
*party* of every changed row. Persons read their parties, their relations and their
contact mechanisms; projects only `project.work`.

The cursor holds the server's clock at the start of the read (T0, from the HTTP Date
header) and one position (stamp in µs, id) per sub-stream. Tryton takes a stamp before
its transaction commits, so a row the read could not see yet has a stamp no older than
T0 − overlap: a resumed read starts there when that is before the position (the
engine drops the repeats by shadow compare). Measuring the window from T0 rather than
from the position means an old group of equal stamps is not read again on every run.
Positions only ever move forward. A first read (no cursor) reads every actor and starts
the other sub-streams at their newest row as of the start of that read, since the
first sub-stream already holds their current values.

An owned row stamped exactly like its owner was written in the owner's own transaction
(e.g. created with it): the first sub-stream reports that owner, so the others skip it.

Relations (`party.relation.all`) are a view whose stamps Tryton searches but cannot
read back: that sub-stream is a *window* — each read takes every relation created or
written since its position minus the overlap, in id order, and its position becomes T0.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from erpsync.connectors.tryton.rpc import TrytonClient, from_stamp_us, stamp_us
from erpsync.sdk import Actor, Category, ChangeBatch, ConnectorError

STAMP = "last_modified_at"
Position = tuple[int, int]  # (stamp in µs since the epoch, id); (0, 0) = the beginning
START: Position = (0, 0)
#: Rows per page of the owned sub-streams.
ROW_PAGE = 200
#: Deactivated records must be seen too: they are deletions.
ALL = {"active_test": False}


@dataclass(frozen=True, slots=True)
class Source:
    """One sub-stream: rows of `model` in `domain`; `owner` names the field holding the
    actor's record (None: the rows are the actors' own records)."""

    model: str
    domain: Sequence[Any]
    owner: str | None = None
    window: bool = False  # stamps searchable but not readable: read by time window


class Streamed(Protocol):
    """What a streamed kind of record offers (parties, persons, projects)."""

    @property
    def client(self) -> TrytonClient: ...

    @property
    def read_fields(self) -> Sequence[str]: ...

    def sources(self, first: bool) -> list[Source]:
        """The sub-streams, the actors' own model first (the same count every read)."""
        ...

    def rows(self, ids: Sequence[int], extra: Sequence[str] = ()) -> list[dict[str, Any]]:
        """Records by id holding `read_fields` + `extra` (deactivated ones too)."""
        ...

    def actors(
        self, rows: Sequence[Mapping[str, Any]], field_keys: Sequence[str] | None
    ) -> list[Actor]: ...


def encode_cursor(read_at: int, positions: Sequence[Position]) -> str:
    return f"v2:{read_at};" + ";".join(f"{stamp}.{ident}" for stamp, ident in positions)


def decode_cursor(
    cursor: str | None, count: int | None = None
) -> tuple[int, list[Position]] | None:
    if cursor is None or cursor == "":
        return None
    try:
        version, body = cursor.split(":", 1)
        read_at, *rest = body.split(";")
        parts = [tuple(int(n) for n in part.split(".")) for part in rest]
        wrong_count = count is not None and len(parts) != count
        if version != "v2" or wrong_count or not parts or any(len(p) != 2 for p in parts):
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


class RecordStream:
    def __init__(self, streamed: Streamed, overlap_seconds: int) -> None:
        self.streamed = streamed
        self.client = streamed.client
        self.overlap_us = max(0, overlap_seconds) * 1_000_000

    def _page(self, source: Source, position: Position, size: int) -> list[dict[str, Any]]:
        if source.owner is None:
            fields = [STAMP, *self.streamed.read_fields]
        else:
            fields = ["id", STAMP, source.owner]
        return self.client.search_read(
            source.model,
            [*source.domain, *_after(position)],
            fields,
            limit=size,
            order=[(STAMP, "ASC"), ("id", "ASC")],
            context=ALL,
        )

    def _window_page(self, source: Source, since: int, last_id: int) -> list[dict[str, Any]]:
        moment = from_stamp_us(since)
        return self.client.search_read(
            source.model,
            [
                *source.domain,
                ["OR", ("create_date", ">=", moment), ("write_date", ">=", moment)],
                ("id", ">", last_id),
            ],
            ["id", source.owner or "id"],
            limit=ROW_PAGE,
            order=[("id", "ASC")],
            context=ALL,
        )

    def newest(self, source: Source, read_at: int) -> Position:
        if source.window:
            return (read_at, 0)
        rows = self.client.search_read(
            source.model,
            list(source.domain),
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
        sources = self.streamed.sources(cursor is None or cursor == "")
        given = decode_cursor(cursor, len(sources))
        if given is None:
            # Taken before the first sub-stream's read, so a row changed during it is
            # read again.
            positions = [START, *[self.newest(s, read_at) for s in sources[1:]]]
            read_from = list(positions)
        else:
            before, positions = given[0], list(given[1])
            read_from = [self._start(p, before) for p in positions]
        reported: set[str] = set()  # by the first sub-stream of this read
        for index, source in enumerate(sources):
            if source.window:
                if given is not None:
                    since = max(0, positions[index][0] - self.overlap_us)
                    for actors in self._window(source, since, field_keys, size, reported):
                        yield ChangeBatch(actors, encode_cursor(read_at, positions))
                if read_at:
                    positions[index] = max(positions[index], (read_at, 0))
                continue
            at = read_from[index]
            # Owned rows often name no actor to report (skipped, or repeated): read
            # them in larger pages, batches still hold ≤ size actors.
            page = size if source.owner is None else max(size, ROW_PAGE)
            while True:
                rows = self._page(source, at, page)
                for actors, upto in self._batches(source, rows, field_keys, size):
                    if index == 0:
                        reported.update(actor.key for actor in actors)
                    positions[index] = max(positions[index], upto)
                    yield ChangeBatch(actors, encode_cursor(read_at, positions))
                if rows:
                    at = _position(rows[-1])
                    positions[index] = max(positions[index], at)
                if len(rows) < page:
                    break
        yield ChangeBatch([], encode_cursor(read_at, positions), True)

    def _window(
        self,
        source: Source,
        since: int,
        field_keys: Sequence[str] | None,
        size: int,
        reported: set[str],
    ) -> Iterator[list[Actor]]:
        """The owners of every row changed since `since`, ≤ size per batch, but those
        the first sub-stream reported in this read already: a row changed after that
        read has a stamp after T0, and the next read's window starts before T0."""
        owner = source.owner or "id"
        last_id = 0
        while True:
            rows = self._window_page(source, since, last_id)
            ids = list(
                dict.fromkeys(
                    row[owner] for row in rows if row.get(owner) and str(row[owner]) not in reported
                )
            )
            found = {row["id"]: row for row in self.streamed.rows(ids)}
            chosen = [found[i] for i in ids if i in found]
            for start in range(0, len(chosen), size):
                yield self.streamed.actors(chosen[start : start + size], field_keys)
            if rows:
                last_id = int(rows[-1]["id"])
            if len(rows) < ROW_PAGE:
                return

    def _batches(
        self,
        source: Source,
        rows: list[dict[str, Any]],
        field_keys: Sequence[str] | None,
        size: int,
    ) -> Iterator[tuple[list[Actor], Position]]:
        """Batches of ≤ size actors from one page, each with the position of the last
        row it covers (resuming there re-reads the rest of the page: nothing is lost)."""
        if not rows:
            return
        if source.owner is None:
            yield self.streamed.actors(rows, field_keys), _position(rows[-1])
            return
        owner = source.owner
        ids = list(dict.fromkeys(row[owner] for row in rows if row.get(owner)))
        owners = {row["id"]: row for row in self.streamed.rows(ids, [STAMP])}
        chosen: list[int] = []
        upto = START
        for row in rows:
            found = owners.get(row.get(owner))
            if found is None or row[STAMP] == found[STAMP] or found["id"] in chosen:
                continue
            if len(chosen) == size:
                yield self.streamed.actors([owners[i] for i in chosen], field_keys), upto
                chosen = []
            chosen.append(found["id"])
            upto = _position(row)
        if chosen:
            yield self.streamed.actors([owners[i] for i in chosen], field_keys), upto

    def _start(self, position: Position, read_at: int) -> Position:
        """Where a resumed sub-stream reads from (see the module docstring)."""
        if position == START:
            return START
        floor = (read_at or position[0]) - self.overlap_us
        return position if position[0] < floor else (max(0, floor), 0)


def _position(row: dict[str, Any]) -> Position:
    moment = row.get(STAMP)
    return (stamp_us(moment) if moment is not None else 0, int(row["id"]))
