"""ERP connections: configured uses of connectors, their secrets, scope, test gate, activation."""
