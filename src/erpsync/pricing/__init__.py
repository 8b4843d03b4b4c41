"""Price lists and products offered through ERP connections, under their scope (R-CONN-6)."""
