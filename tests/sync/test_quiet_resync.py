"""A full resync that finds its actors equal to their shadows before any write
transaction (`erp_stream._Quiet`, R-SEM-2, R-SYNC-2): what a user must still see. A
list mapping changed since the last sync reaches the CRM; the one changed actor among
unchanged ones is updated; and a resync that wrote nothing still stores its cursor, so
the next run does not read everything again."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from erpsync.crm.models import ListItem
from erpsync.mapping.models import ListItemMapping
from erpsync.sdk.model import ActorType
from erpsync.sync import journal
from erpsync.sync.models import SyncCursor, SyncLogEntry
from tests.list_mappings import map_countries_by_code
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv

STREAM = "erp:Customer"


def _country_codes(env: SyncEnv) -> dict[str, str | None]:
    return {
        key: (company.country.code if company.country else None)
        for key in env.links()
        for company in [env.company(key)]
    }


def test_a_resync_after_a_list_mapping_change_updates_the_crm(env: SyncEnv) -> None:
    map_countries_by_code(env.database, env.erp_path, env.connection_id)
    env.map("Customer", [*CUSTOMER_FIELDS, ("country", "country", "to_crm")], create=True)
    with env.erp() as erp:
        for key in ("10004", "10010"):
            erp.set(ActorType.CUSTOMER, key, erp.parse(ActorType.CUSTOMER, ["country=DK"]))
    assert env.run().state == "succeeded"
    before = _country_codes(env)
    swedish = {key for key, code in before.items() if code == "SE"}
    assert swedish and len(swedish) < len(before)
    with env.database.session() as session:  # the ERP's Sweden now means the CRM's Norway
        ids = dict(
            session.execute(
                select(ListItem.code, ListItem.id).where(
                    ListItem.list_name == "country", ListItem.code.in_(["SE", "NO"])
                )
            ).all()
        )
        items = ListItemMapping.__table__
        session.execute(delete(items).where(items.c.crm_item_id == ids["NO"]))
        session.execute(
            update(items).where(items.c.crm_item_id == ids["SE"]).values(crm_item_id=ids["NO"])
        )

    result = env.run(resync="erp")

    assert result.state == "succeeded", result.error
    assert result.counts["updated"] == len(swedish)
    assert result.counts["unchanged"] == len(before) - len(swedish)
    after = _country_codes(env)
    assert {key for key, code in after.items() if code == "NO"} == swedish
    assert {key: code for key, code in after.items() if key not in swedish} == {
        key: code for key, code in before.items() if key not in swedish
    }


def test_the_one_changed_actor_among_unchanged_ones_is_updated_on_a_resync(
    env: SyncEnv,
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    assert env.run().state == "succeeded"
    with env.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10007", {"city": "Kiruna"})
    logged = env.count(SyncLogEntry)

    result = env.run(resync="erp")

    assert result.state == "succeeded", result.error
    assert (result.counts["updated"], result.counts["unchanged"]) == (1, 11)
    assert env.company("10007").city == "Kiruna"
    [entry] = env.log(action="to_crm", erp_key="10007")
    assert (entry.field, entry.new_value) == ("city", "Kiruna")
    assert env.count(SyncLogEntry) == logged + 1


def test_a_resync_that_writes_nothing_stores_its_cursor(env: SyncEnv) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    assert env.run().state == "succeeded"
    with env.database.session() as session:  # as if the stream had never been read
        session.execute(delete(SyncCursor).where(SyncCursor.stream == STREAM))
    logged = env.count(SyncLogEntry)

    result = env.run(resync="erp")

    assert result.state == "succeeded", result.error
    assert (result.counts["read"], result.counts["unchanged"]) == (12, 12)
    assert env.count(SyncLogEntry) == logged  # nothing written
    with env.database.read_session() as session:
        assert journal.get_cursor(session, env.connection_id, STREAM) is not None
    again = env.run()  # resumes after the resync: nothing to read again
    assert again.state == "succeeded", again.error
    assert again.counts.get("read", 0) < 12
