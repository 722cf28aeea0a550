"""Log filters of the settings' LOGGING."""

import logging


class CacheOutage(logging.Filter):
    """django-redis logs every cache call it lets through with Redis down as an ERROR with its traceback — a
    traceback per call, thousands a minute. Said instead as one WARNING line per call, without traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:
            error = record.exc_info[1]
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg, record.args = "cache unreachable, the page is made without it: %s", (error.__cause__ or error,)
            record.exc_info = record.exc_text = None
        return True
