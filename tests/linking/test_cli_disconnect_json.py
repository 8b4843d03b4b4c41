"""`erpsync link disconnect --json` (R-TAB-4, R-UI-3): the link removed, named by its ERP
key, both records kept; a record that is not linked is refused in one line."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from erpsync.cli.links import app
from erpsync.crm.models import Company
from erpsync.sdk import ActorType
from erpsync.settings import Settings
from tests.linking.conftest import TabEnv


def test_disconnect_prints_json_and_a_second_disconnect_is_refused(
    env: TabEnv, settings: Settings
) -> None:
    url = env.database.engine.url.render_as_string(hide_password=False)
    environment = {"ERPSYNC_DATA_DIR": str(settings.data_dir), "ERPSYNC_DATABASE_URL": url}
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, [*args, "--user", "sales"], env=environment)
        return result.exit_code, result.output

    company = env.company(name="Json Disconnect AB")
    code, _ = invoke("connect", "Demo ERP", "company", str(company), "10011", "--json")
    assert code == 0
    code, output = invoke("disconnect", "Demo ERP", "company", str(company), "--json")
    assert code == 0, output
    answer = json.loads(output)
    assert answer["erp_key"] == "10011" and answer["disconnected"] is True
    assert (answer["kind"], answer["record_id"], answer["actor_type"]) == (
        "company",
        company,
        "Customer",
    )
    code, output = invoke("show", "Demo ERP", "company", str(company), "--json")
    assert json.loads(output)["sections"][0]["linked"] is False
    with env.database.read_session() as session:
        assert session.get(Company, company) is not None  # the CRM record stays
    with env.erp() as erp:
        assert erp.show(ActorType.CUSTOMER, "10011") is not None  # and so does the ERP's
    code, output = invoke("disconnect", "Demo ERP", "company", str(company), "--json")
    assert code != 0 and "is not linked" in output and len(output.strip().splitlines()) == 1
