"""`--json` on the sync CLI's acting commands, for scripts (R-UI-3): `dead-letters
retry|discard` say what was done and what is still open (R-SYNC-6), `conflicts resolve`
the conflict and the side kept (R-SYNC-5), `reset` the streams moved back (R-SEM-9)."""

from __future__ import annotations

from typer.testing import CliRunner

from erpsync.cli.sync import app
from erpsync.sdk.model import ActorType
from tests.sync.conftest import CUSTOMER_FIELDS, SyncEnv
from tests.sync.test_queues_cli import _json, _set_crm, cli  # noqa: F401 - the CLI fixture


def test_retry_and_discard_print_json(env: SyncEnv, cli: CliRunner) -> None:  # noqa: F811
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    assert cli.invoke(app, ["run", "Demo ERP"]).exit_code == 0
    for key, digit in (("10002", "1"), ("10003", "2"), ("10004", "3")):
        _set_crm(env, key, phone="+46 " + digit * 50)  # longer than the ERP takes
    assert cli.invoke(app, ["run", "Demo ERP"]).exit_code == 0
    listed = _json(cli.invoke(app, ["dead-letters", "list", "Demo ERP", "--json"]).stdout)
    ids = sorted(item["id"] for item in listed["items"])  # type: ignore[index]
    assert len(ids) == 3

    discarded = cli.invoke(app, ["dead-letters", "discard", "Demo ERP", str(ids[0]), "--json"])
    assert discarded.exit_code == 0, discarded.output
    assert _json(discarded.stdout) == {"discarded": 1, "still_open": 2}

    _set_crm(env, "10003", phone="+46 fixed")
    retried = cli.invoke(app, ["dead-letters", "retry", "Demo ERP", str(ids[1]), "--json"])
    assert retried.exit_code == 0, retried.output
    answer = _json(retried.stdout)
    assert isinstance(answer, dict) and isinstance(answer.pop("run"), int)
    assert answer == {"state": "succeeded", "retried": 1, "still_open": 1}
    with env.erp() as erp:
        shown = erp.show(ActorType.CUSTOMER, "10003")
        assert shown is not None and shown.values["phone"] == "+46 fixed"

    rest = cli.invoke(app, ["dead-letters", "discard", "Demo ERP", "--all", "--json"])
    assert _json(rest.stdout) == {"discarded": 1, "still_open": 0}


def test_resolve_prints_the_conflict_and_the_kept_side_as_json(
    env: SyncEnv,
    cli: CliRunner,  # noqa: F811
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True, policy="manual")
    assert cli.invoke(app, ["run", "Demo ERP"]).exit_code == 0
    with env.erp() as erp:
        erp.set(ActorType.CUSTOMER, "10006", {"phone": "+46 erp"})
    _set_crm(env, "10006", phone="+46 crm")
    assert cli.invoke(app, ["run", "Demo ERP"]).exit_code == 0
    [item] = _json(cli.invoke(app, ["conflicts", "list", "Demo ERP", "--json"]).stdout)["items"]  # type: ignore[index]
    args = ["conflicts", "resolve", "Demo ERP", str(item["id"]), "--keep", "erp", "--json"]
    done = cli.invoke(app, args)
    assert done.exit_code == 0, done.output
    answer = _json(done.stdout)
    assert isinstance(answer, dict)
    assert (answer["id"], answer["erp_key"], answer["field"], answer["kept"]) == (
        item["id"],
        "10006",
        "phone",
        "erp",
    )
    assert (answer["erp_value"], answer["crm_value"]) == ("+46 erp", "+46 crm")
    assert env.company("10006").phone == "+46 erp"
    again = cli.invoke(app, args)
    assert again.exit_code != 0 and "already resolved" in again.output


def test_reset_prints_the_streams_it_moved_back_as_json(
    env: SyncEnv,
    cli: CliRunner,  # noqa: F811
) -> None:
    env.map("Customer", CUSTOMER_FIELDS, create=True)
    assert cli.invoke(app, ["run", "Demo ERP"]).exit_code == 0
    unknown = cli.invoke(app, ["reset", "Demo ERP", "--stream", "erp:Nothing", "--json"])
    assert unknown.exit_code != 0 and "erp:Nothing" in unknown.output
    assert "erp:Customer" in unknown.output  # the streams there are
    reset = cli.invoke(app, ["reset", "Demo ERP", "--json"])
    assert reset.exit_code == 0, reset.output
    answer = _json(reset.stdout)
    assert isinstance(answer, dict) and answer["connection_id"] == env.connection_id
    assert {"erp:Customer", "crm:company"} <= set(answer["reset"])
    status = _json(cli.invoke(app, ["status", "--json"]).stdout)
    assert isinstance(status, list) and len(status) == 1
    assert not any(status[0]["cursors"].values())
