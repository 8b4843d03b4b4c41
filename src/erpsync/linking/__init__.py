"""The ERP tab and linking (R-TAB-1…4): live ERP values of a linked CRM record, search and
Connect, Create in ERP, Disconnect — one service for the API, the pages and the CLI."""
