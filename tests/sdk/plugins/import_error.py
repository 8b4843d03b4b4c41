"""A plug-in whose import fails, like one whose database driver is not installed."""

raise ImportError("the acme_driver package is not installed")
