"""Checks of the change stream (R-SDK-4): complete across batch boundaries, resumable
from every cursor, late commits never lost, updates and deletions reported, and for
`snapshot` connectors a complete read holding every live actor.

The kit forces a tiny batch size (`SMALL_BATCH`) and writes several actors in one
ERP transaction (equal stamps where the ERP uses timestamps), so the boundaries fall
inside groups of equal stamps, where stamp-based streams tend to lose rows.
"""

from __future__ import annotations

from erpsync.sdk.model import ActorType, ChangeTracking
from erpsync.sdk.testkit.kit import SMALL_BATCH, Kit, keys_of, last_seen, same_value

ROWS = 10


def _small_batches(kit: Kit) -> None:
    kit.host.connector.batch_size = SMALL_BATCH


def _insert_group(kit: Kit, actor_type: ActorType, count: int = ROWS) -> list[str]:
    rows = [kit.sample(actor_type, kit.unique_text()) for _ in range(count)]
    return kit.hooks.insert_actors(actor_type, rows, kit.hooks.sample_parent(actor_type))


def _snapshot(kit: Kit) -> bool:
    return type(kit.host.connector).change_tracking is ChangeTracking.SNAPSHOT


def check_stream_across_batches(kit: Kit) -> None:
    _small_batches(kit)
    for actor_type in kit.types():
        start = kit.end_cursor(actor_type)
        keys = _insert_group(kit, actor_type)
        batches = kit.read(actor_type, None if _snapshot(kit) else start)
        seen = set(keys_of(batches))
        lost = [key for key in keys if key not in seen]
        kit.expect(
            not lost,
            f"changes({actor_type})",
            f"lost {len(lost)} of {len(keys)} new actors across batches of {SMALL_BATCH}: {lost}",
        )
        for batch in batches:
            kit.expect(
                isinstance(batch.cursor, str) and batch.cursor != "",
                f"changes({actor_type})",
                f"a batch has cursor {batch.cursor!r}",
            )


def check_resume_from_every_cursor(kit: Kit) -> None:
    if _snapshot(kit):
        kit.skip("snapshot connectors read everything every time")
    _small_batches(kit)
    for actor_type in kit.types():
        start = kit.end_cursor(actor_type)
        _insert_group(kit, actor_type)
        batches = kit.read(actor_type, start)
        for index, batch in enumerate(batches):
            rest = set(keys_of(batches[index + 1 :]))
            again = set(keys_of(kit.read(actor_type, batch.cursor)))
            lost = sorted(rest - again)
            kit.expect(
                not lost,
                f"changes({actor_type}, cursor={batch.cursor!r})",
                f"resuming after batch {index} lost {lost}",
            )


def check_late_commit(kit: Kit) -> None:
    if _snapshot(kit):
        kit.skip("snapshot connectors read everything every time")
    _small_batches(kit)
    actor_type = kit.types()[0]
    start = kit.end_cursor(actor_type)
    parent = kit.hooks.sample_parent(actor_type)
    late = kit.hooks.begin_late_commit(
        actor_type, kit.sample(actor_type, kit.unique_text()), parent
    )
    if late is None:
        kit.skip("begin_late_commit() is not provided by this connector's tests")
    try:
        batches = kit.read(actor_type, start)
    finally:
        late.commit()
    cursor = batches[-1].cursor
    after = keys_of(kit.read(actor_type, cursor))
    kit.expect(
        late.key in after,
        f"changes({actor_type}, cursor={cursor!r})",
        "a row committed late (its transaction was open during the earlier read) never "
        "arrived: re-read an overlap window before the cursor",
        late.key,
    )


def check_updates_in_stream(kit: Kit) -> None:
    for actor_type in kit.types():
        text = kit.text_field(actor_type)
        if text is None:
            continue
        key = kit.insert(actor_type, kit.unique_text())
        start = kit.end_cursor(actor_type)
        word = kit.unique_text()
        kit.hooks.update_actor(actor_type, key, {text.key: word})
        batches = kit.read(actor_type, None if _snapshot(kit) else start)
        actor = last_seen(batches, key)
        call = f"changes({actor_type})"
        kit.expect(actor is not None, call, "an updated actor is missing from the stream", key)
        assert actor is not None
        kit.expect(
            same_value(text, actor.values.get(text.key), word),
            call,
            f"field {text.key!r} is {actor.values.get(text.key)!r}, updated to {word!r}",
            key,
        )


def check_deletes_in_stream(kit: Kit) -> None:
    for actor_type in kit.types():
        key = kit.insert(actor_type, kit.unique_text())
        start = kit.end_cursor(actor_type)
        kit.hooks.delete_actor(actor_type, key)
        batches = kit.read(actor_type, None if _snapshot(kit) else start)
        actor = last_seen(batches, key)
        call = f"changes({actor_type})"
        if _snapshot(kit):
            kit.expect(actor is None or actor.deleted, call, "a deleted actor is still live", key)
        else:
            kit.expect(
                actor is not None and actor.deleted,
                call,
                "a deletion must appear in the stream as the actor with deleted=True",
                key,
            )
        found = kit.host.get_actors(actor_type, [key])
        kit.expect(
            not found or found[0].deleted,
            "get_actors",
            "a deleted actor comes back live (leave it out or flag it deleted)",
            key,
        )


def check_snapshot_holds_everything(kit: Kit) -> None:
    if not _snapshot(kit):
        kit.skip("only for snapshot connectors")
    _small_batches(kit)
    for actor_type in kit.types():
        keys = _insert_group(kit, actor_type, 5)
        seen = set(keys_of(kit.read(actor_type, None)))
        lost = [key for key in keys if key not in seen]
        kit.expect(not lost, f"changes({actor_type})", f"a complete read lacks {lost}")
