"""Accounts: users, groups, roles and API tokens (SPEC R-UI-4)."""
