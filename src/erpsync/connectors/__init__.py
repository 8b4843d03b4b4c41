"""Built-in connectors (R-CON). Each depends on `erpsync.sdk` only and is registered
through the `erpsync.connectors` entry point like any third-party connector."""
