"""Plain helpers shared by tests of several apps; fixtures live in the conftest.py files.

Test modules never import one another: what two of them share is here, in `tests/<app>/helpers.py`, or a
fixture.
"""

import time


def wait_until(condition, *, what: str, timeout: float = 10.0, interval: float = 0.1):
    """Calls `condition` until it returns a true value, and returns that value; fails after `timeout` seconds.

    For what happens outside the test's thread: an e-mail sent by the live server, a webhook another
    process posts, a server starting. On a page, Playwright's own waiting (`expect`, `wait_for`) is used.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"still waiting after {timeout:g} s for {what}")
        time.sleep(interval)
