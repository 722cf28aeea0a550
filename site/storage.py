"""The S3 storage of django-storages, with an unreachable store said as an OSError (what a missing file is).

Wagtail renders an image whose file cannot be opened as "not found" (it catches OSError), so a page keeps
answering when the store is down; botocore's connection errors are not OSErrors, and gave a 500 instead
for any image whose rendition was not made yet. Reads only: a write to a store that is down still raises
botocore's error, as before.
"""

from botocore.exceptions import BotoCoreError
from storages.backends.s3 import S3Storage


class StoreUnavailable(OSError):
    pass


class ReadTolerantS3Storage(S3Storage):
    def _open(self, name, mode="rb"):
        try:
            return super()._open(name, mode)
        except BotoCoreError as error:  # connection refused, timeouts: the store did not answer
            raise StoreUnavailable(f"the file store did not answer for {name}: {error}") from error
