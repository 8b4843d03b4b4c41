"""Mapping between a connection's ERP actors and CRM records (R-MAP-1…8, R-SEM-1).

Field mappings, list mappings, default values, rank, create policies, automap, the
activation checks they add, export/import, and `transform`: the one module turning ERP
values into CRM values and back for the engine, import, ERP tab and create-in-ERP.
"""
