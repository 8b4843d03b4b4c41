"""The sync engine: links and shadows, field decisions, runs, conflicts and dead letters."""
