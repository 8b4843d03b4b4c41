"""`save_each`: the usual `Connector.save`, one actor at a time, a refused actor a
failed `SaveResult` that does not stop the others."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.model import Actor, Category, SaveResult


def save_each(
    actors: Sequence[Actor],
    save_one: Callable[[Actor], tuple[bool, Actor | None]],
    *,
    refused: Collection[Category] = (Category.DATA,),
    named: bool = False,
) -> list[SaveResult]:
    """Save each actor with `save_one` (changed?, the actor as stored).

    A `ConnectorError` of a category in `refused` becomes that actor's failed result,
    naming its key; any other stops the save (the engine pauses or retries). With
    `named`, the explanation begins with the actor's type and key.
    """
    results: list[SaveResult] = []
    for actor in actors:
        try:
            changed, stored = save_one(actor)
        except ConnectorError as exc:
            if exc.category not in refused:
                raise
            exc.actor_key = exc.actor_key or actor.key
            if named:
                name = f"{actor.type} {actor.key}"  # the key alone may occur in any message
                if not exc.user_explanation.startswith(name):
                    exc.user_explanation = f"{name}: {exc.user_explanation}"
            results.append(SaveResult(actor.key, False, exc.to_response()))
        else:
            results.append(SaveResult(actor.key, changed, actor=stored))
    return results
