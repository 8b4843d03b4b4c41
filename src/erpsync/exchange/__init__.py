"""A connection's whole configuration as a YAML document (R-MAP-7): `document` (format
and parsing), `export` and `apply` (the import). It sits above connections, mapping and
sync because the document gathers all three."""
