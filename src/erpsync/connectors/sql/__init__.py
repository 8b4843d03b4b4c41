"""The SQL connector (R-CON-1): ERPs whose data sits in a database SQLAlchemy reaches.

`SqlConnector` is the connector (key `sql`); `propose_mapping(engine)` proposes a
mapping text from a reflected schema, `propose_for(values)` does so for the database
that configuration values reach (`erpsync connector sql-mapping`); `parse_mapping`
reads one.
"""

from erpsync.connectors.sql.connector import SqlConnector
from erpsync.connectors.sql.mapping import MappingError, parse_mapping
from erpsync.connectors.sql.schema import propose_mapping
from erpsync.connectors.sql.setup import propose_for

__all__ = ["MappingError", "SqlConnector", "parse_mapping", "propose_for", "propose_mapping"]
