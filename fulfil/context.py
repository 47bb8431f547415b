"""What belongs to the work at hand, wherever it runs: a web request or a job.

`request_id` names one request (or the job it queued) in every log line, error report
and metric exemplar, so what happened to a scan or a webhook can be followed from the
page to the worker. The web sets it per request; the job worker sets it per job to the
id of the request that queued it.
"""

from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
