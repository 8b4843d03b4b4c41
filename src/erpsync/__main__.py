"""Allows `python -m erpsync`."""

from erpsync.cli.main import main

main()
