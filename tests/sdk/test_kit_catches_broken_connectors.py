"""The conformance kit fails a broken connector with a message naming the check, the
connector, the call and the record (R-SDK-8)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from erpsync.sdk import ActorType, Connector
from erpsync.sdk.testkit import CHECKS, ConformanceFailure, run_check
from tests.connectors.demo_hooks import DemoHooks
from tests.sdk import broken

ROOT = Path(__file__).resolve().parents[2]


class Hooks(DemoHooks):
    def __init__(self, connector: type[Connector]) -> None:
        self.connector = connector

    def make_connector(self) -> Connector:
        return self.connector()

    def actor_types_to_check(self) -> list[ActorType]:
        return [ActorType.CUSTOMER]


def failure(connector: type[Connector], check: str, workdir: Path) -> str:
    with pytest.raises(ConformanceFailure) as caught:
        run_check(CHECKS[check], Hooks(connector), workdir)
    return str(caught.value)


def test_a_missing_key_is_caught(tmp_path: Path) -> None:
    text = failure(broken.MissingKey, "get_actors", tmp_path)
    assert text.startswith("[get_actors] ")
    assert "'broken_missing_key'" in text
    assert "get_actors" in text and "missing ERP key" in text


def test_a_float_in_a_decimal_field_is_caught(tmp_path: Path) -> None:
    text = failure(broken.FloatMoney, "get_actors", tmp_path)
    assert "connector 'broken_float_money'" in text
    assert "field 'credit_limit'" in text
    assert "expected Decimal (never float), got float" in text
    assert "record '10031'" in text  # the first actor the check inserted


def test_a_naive_datetime_is_caught(tmp_path: Path) -> None:
    text = failure(broken.NaiveDatetimes, "stream_across_batches", tmp_path)
    assert "[stream_across_batches]" in text
    assert "field 'modified_at'" in text and "no time zone" in text


def test_a_row_lost_at_a_batch_boundary_is_caught(tmp_path: Path) -> None:
    text = failure(broken.LosesRowAtBoundary, "stream_across_batches", tmp_path)
    assert "[stream_across_batches] connector 'broken_boundary', call changes(Customer)" in text
    assert "new actors across batches of 3" in text


def test_resuming_from_a_cursor_that_loses_rows_is_caught(tmp_path: Path) -> None:
    text = failure(broken.LosesRowAtBoundary, "resume_from_every_cursor", tmp_path)
    assert "[resume_from_every_cursor]" in text and "resuming after batch" in text


def test_a_save_that_is_not_idempotent_is_caught(tmp_path: Path) -> None:
    text = failure(broken.NotIdempotentSave, "save_is_idempotent", tmp_path)
    assert "[save_is_idempotent] connector 'broken_save', call save, record '10031'" in text
    assert "reported a change" in text


def test_a_wrong_error_category_is_caught(tmp_path: Path) -> None:
    text = failure(broken.WrongCategory, "test_config_and_categories", tmp_path)
    assert "call test_config" in text
    assert "must fail with category 'config', got transient" in text


def test_a_wrong_operator_is_caught(tmp_path: Path) -> None:
    text = failure(broken.NotOneOfIsOneOf, "search_operators", tmp_path)
    assert "call search_advanced" in text and "not_one_of" in text


def test_the_demo_connector_passes_the_checks_the_broken_ones_fail(tmp_path: Path) -> None:
    for index, name in enumerate(["get_actors", "stream_across_batches", "save_is_idempotent"]):
        run_check(CHECKS[name], DemoHooks(), tmp_path / str(index))


def test_pytest_reports_the_failing_check_through_the_plug_in(tmp_path: Path) -> None:
    """A connector's own test module, run by pytest with the installed plug-in."""
    module = tmp_path / "test_broken_erp.py"
    module.write_text(
        textwrap.dedent(
            """
            from erpsync.sdk.testkit import ConnectorConformance
            from tests.connectors.demo_hooks import DemoHooks
            from tests.sdk.broken import NotIdempotentSave

            class TestBrokenErp(DemoHooks, ConnectorConformance):
                def make_connector(self):
                    return NotIdempotentSave()
            """
        )
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--strict-markers",
            "-m",
            "erpsync_conformance",
            "--rootdir",
            str(tmp_path),
            str(module),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    # --strict-markers accepts -m erpsync_conformance: the plug-in registered the marker.
    assert "FAILED test_broken_erp.py::TestBrokenErp::test_save_is_idempotent" in result.stdout
    assert "[save_is_idempotent] connector 'broken_save', call save" in result.stdout
    assert "1 failed" in result.stdout
