"""Running requests at the same moment from real threads, for the concurrency tests."""

import threading

from django.db import connection


def at_once(*calls):
    """Start every call together (a barrier), wait for all, return their results in order.

    Each thread has its own database connection, closed when it ends; an exception in a call is raised here.
    """
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)
    errors = []

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except BaseException as error:  # noqa: BLE001 (re-raised in the test's thread)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
