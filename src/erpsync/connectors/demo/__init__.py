"""The demo ERP (R-CON-4): a small real ERP in one SQLite file and its connector.

`init_database(path)` creates and seeds one; `DemoConnector` speaks to it; `DemoErp`
edits it by hand (the CLI `erpsync demo erp …` and the conformance hooks use it).
"""

from erpsync.connectors.demo.admin import DemoErp
from erpsync.connectors.demo.connector import DemoConnector
from erpsync.connectors.demo.seed import DEMO_COMPANY_NAMES, init_database

__all__ = ["DEMO_COMPANY_NAMES", "DemoConnector", "DemoErp", "init_database"]
