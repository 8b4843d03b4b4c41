"""Jobs: named units of background work (a sync run, an import) behind one interface.

A job is a name and JSON arguments (`registry`); a runner executes it — on threads of
the server (`EmbeddedRunner`, the default), in the caller (`InlineRunner`) or on Celery
workers (`CeleryRunner`, when `ERPSYNC_BROKER_URL` is set). The scheduler enqueues due
sync runs through the same interface (R-SYNC-10).
"""
