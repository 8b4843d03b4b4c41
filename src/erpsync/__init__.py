"""erpsync: connects a CRM to ERP systems and keeps their shared records in step."""

__version__ = "0.1.0"
