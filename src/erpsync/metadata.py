"""Every ORM model of erpsync, imported so that `Base.metadata` is complete (Alembic, tests)."""

from erpsync.accounts import models as accounts_models
from erpsync.connections import models as connections_models
from erpsync.crm import matchkeys as crm_matchkeys
from erpsync.crm import models as crm_models
from erpsync.db import positions
from erpsync.db.base import Base
from erpsync.linking import models as linking_models
from erpsync.mapping import models as mapping_models
from erpsync.pricing import models as pricing_models
from erpsync.sync import models as sync_models
from erpsync.sync.imports import models as import_models

__all__ = [
    "Base",
    "accounts_models",
    "connections_models",
    "crm_matchkeys",
    "crm_models",
    "import_models",
    "linking_models",
    "mapping_models",
    "positions",
    "pricing_models",
    "sync_models",
]
