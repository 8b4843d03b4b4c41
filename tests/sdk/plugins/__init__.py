"""Plug-ins for the registry tests: some valid, some broken in the ways installed
third-party connectors break."""
