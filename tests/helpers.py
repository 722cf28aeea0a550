"""Plain helpers shared by tests of several apps; fixtures live in the conftest.py files.

Test modules never import one another: what two of them share is here, in `tests/<app>/helpers.py`, or a
fixture.
"""

import base64
import re
import time
import zlib


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


def pdf_text(content: bytes) -> bytes:
    """The PDF with its compressed streams (ReportLab: ASCII85 then Flate) decoded, to look for text in it."""
    chunks = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", content, re.S):
        data = match.group(1).strip()
        for decode in (lambda d: zlib.decompress(base64.a85decode(d, adobe=True)), zlib.decompress):
            try:
                chunks.append(decode(data))
                break
            except (ValueError, zlib.error):
                continue
    return b"\n".join(chunks)


def folder_storages(media, private) -> dict:
    """STORAGES entries for public media and private files in local folders (what tests write to)."""
    return {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": media}},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": private, "base_url": None},
        },
    }
