"""The demo ERP's products and price lists: deterministic seed, its own price rule, hand
edits of prices from the CLI, and files made before products existed (R-CON-4)."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from erpsync.cli.main import app
from erpsync.connectors.demo import DemoConnector, DemoErp, init_database
from erpsync.connectors.demo.prices import compute_price
from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.host import ConnectorHost
from erpsync.sdk.pricing_host import PricingHost


def _pricing(path: Path) -> PricingHost:
    host = ConnectorHost(DemoConnector(), timeout=10)
    host.open("t", {"database": str(path)})
    return PricingHost(host)


def test_the_seed_is_deterministic_with_two_price_lists(tmp_path: Path) -> None:
    init_database(tmp_path / "a.sqlite", customers=2, suppliers=0, partners=0)
    init_database(tmp_path / "b.sqlite", customers=2, suppliers=0, partners=0)
    first, second = _pricing(tmp_path / "a.sqlite"), _pricing(tmp_path / "b.sqlite")
    lists = first.price_lists()
    assert [(pl.id, pl.currency) for pl in lists] == [("standard", "SEK"), ("export", "EUR")]
    all_a = first.products("export", limit=500)
    assert all_a.total == 200
    assert all_a == second.products("export", limit=500)


def test_prices_follow_the_demo_erps_own_rule(tmp_path: Path) -> None:
    path = tmp_path / "erp.sqlite"
    init_database(path, customers=1, suppliers=0, partners=0)
    pricing = _pricing(path)
    with DemoErp(path) as erp:
        for product in pricing.products("export", limit=500).items:
            assert product.price == erp.price_of("export", product.code)
        hammer = pricing.product("standard", "TLS-1001")
        assert hammer is not None and hammer.price == hammer.list_price
        assert hammer.list_price is not None
        computed = compute_price(hammer.list_price, Decimal("11.45"), Decimal("0.05"))
        assert erp.price_of("export", "TLS-1001") == computed
        assert erp.price_of("export", "TLS-1005") == Decimal("99.00")  # a campaign price
    assert compute_price(Decimal("1000"), Decimal("11.45"), Decimal("0.05")) == Decimal("87.35")


def test_the_cli_shows_and_sets_prices(tmp_path: Path) -> None:
    path = tmp_path / "erp.sqlite"
    init_database(path, customers=1, suppliers=0, partners=0)
    runner = CliRunner()
    shown = runner.invoke(app, ["demo", "erp", "price", "TLS-1001", "--db", str(path)])
    assert shown.exit_code == 0, shown.output
    assert "Export (EUR)" in shown.output and "export" in shown.output
    done = runner.invoke(
        app, ["demo", "erp", "price", "TLS-1001", "--set", "1145", "--db", str(path)]
    )
    assert done.exit_code == 0, done.output
    fixed = ["demo", "erp", "price", "TLS-1002", "--list", "export", "--set", "12.34"]
    assert runner.invoke(app, [*fixed, "--db", str(path)]).exit_code == 0
    with DemoErp(path) as erp:
        assert erp.price_of("standard", "TLS-1001") == Decimal("1145.00")
        assert erp.price_of("export", "TLS-1001") == Decimal("100.00")
        assert erp.price_of("export", "TLS-1002") == Decimal("12.34")
    bad = runner.invoke(
        app, ["demo", "erp", "price", "TLS-1001", "--set", "lots", "--db", str(path)]
    )
    assert bad.exit_code != 0 and "is not a price" in bad.output
    unknown = runner.invoke(app, ["demo", "erp", "price", "NOPE-1", "--db", str(path)])
    assert unknown.exit_code != 0 and "no product 'NOPE-1'" in unknown.output


def test_a_schema_1_file_works_and_says_how_to_get_products(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    init_database(path, customers=3, suppliers=0, partners=0)
    db = sqlite3.connect(path)
    db.executescript(
        "DROP TABLE fixed_price; DROP TABLE price_list; DROP TABLE product;"
        "UPDATE meta SET value = '1' WHERE key = 'schema_version';"
    )
    db.close()
    host = ConnectorHost(DemoConnector(), timeout=10)
    host.open("t", {"database": str(path)})
    assert host.test_connection().ok
    try:
        PricingHost(host).price_lists()
    except ConnectorError as exc:
        assert exc.category == "config"
        assert "erpsync demo erp upgrade" in exc.user_explanation
    else:
        raise AssertionError("a schema-1 file answered price lists")
    result = CliRunner().invoke(app, ["demo", "erp", "upgrade", "--db", str(path)])
    assert result.exit_code == 0 and "Added products" in result.output
    assert len(PricingHost(host).price_lists()) == 2
