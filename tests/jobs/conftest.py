"""The sync fixtures (a demo ERP and a connection to it with sync on) for the job tests."""

from tests.sync.conftest import env, keys

__all__ = ["env", "keys"]
