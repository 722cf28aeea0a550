"""Queueing a Celery task from a request without making the request depend on the broker.

With the broker (Redis) unreachable, `task.delay()` raised in the middle of a sign-up, an order or a rental
step, after the change was committed: the visitor got a 500 for something that had been done. `enqueue`
tries the broker briefly, and if it cannot be reached runs the task here, in the request (logged); the task's
own failure (an SMTP outage) is logged by Celery and not raised to the visitor either.
"""

import logging

from kombu.exceptions import OperationalError as BrokerUnreachable

logger = logging.getLogger(__name__)
# Celery's default retries the connection for about a second; a request waits a fraction of it.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def enqueue(task, **kwargs):
    """`task.delay(**kwargs)`, or the task run here when the broker cannot be reached."""
    try:
        return task.apply_async(kwargs=kwargs, retry_policy=RETRY_POLICY)
    except (BrokerUnreachable, OSError) as error:
        logger.error("broker unreachable: %s runs in the request instead (%s)", task.name, error)
        return task.apply(kwargs=kwargs, throw=False)
