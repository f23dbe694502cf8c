"""The registered jobs: a name, a function and what to do without a queue.

Jobs to come (webhooks, campaign batches, large exports) register the same
way, in their own module::

    @job("webhooks.deliver")
    def deliver_webhook(delivery_id: int) -> None:
        ...  # claim the delivery row atomically, post it, mark it

and their callers ``enqueue("webhooks.deliver", commune_id=…, delivery_id=…)``
after committing what the job reads.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

# Job name -> JobSpec; filled when the modules defining jobs are imported.
JOBS: dict[str, "JobSpec"] = {}


@dataclass(frozen=True)
class JobSpec:
    name: str
    function: Callable
    #: Without a queue: "run" at once in the caller's process, or "tick":
    #: nothing now, ``grc tick`` will do it (today's behaviour for e-mails).
    without_queue: str = "run"


def job(name: str, *, without_queue: str = "run"):
    """Register the decorated function as the job ``name``; its keyword
    arguments must be JSON-like values (ids, dates as text), never objects."""
    if without_queue not in ("run", "tick"):
        raise ValueError(f"without_queue: 'run' or 'tick', not {without_queue!r}")

    def register(function):
        if name in JOBS and JOBS[name].function is not function:
            raise ValueError(f"job {name!r} registered twice")
        JOBS[name] = JobSpec(name, function, without_queue)
        return function
    return register


def spec(name: str) -> JobSpec:
    from . import core_jobs  # noqa: F401  (registers the core's jobs on first use)

    try:
        return JOBS[name]
    except KeyError:
        raise LookupError(f"unknown job {name!r} (known: {', '.join(sorted(JOBS))})") from None
