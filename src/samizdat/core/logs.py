"""Logs never carry a reader's link or address. Django logs the path of every answer it gives
with a 4xx or 5xx status ("Bad Request: /newsletter/preferences/<token>/"), and links in emails
carry signed tokens that never expire; a mail server's refusal quotes the recipient. `redact`
takes both out of a line, and RedactPersonalData applies it to the loggers that write paths.
"""

import logging
import re

# A path segment or query value that is a Django signed value: "12:sig", "payload:ts:sig".
SIGNED = re.compile(r"(?<=[/=])[A-Za-z0-9_\-.]*:[A-Za-z0-9_\-:]{10,}")
EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
# Loggers Django writes request paths to.
PATH_LOGGERS = ("django.request", "django.server", "django.security.csrf")


def redact(text):
    return EMAIL.sub("[address]", SIGNED.sub("[token]", text))


class RedactPersonalData(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def install():
    """Called once from CoreConfig.ready. A filter on a logger sees the records made by that
    logger, so it goes on each logger that writes paths."""
    for name in PATH_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactPersonalData) for f in logger.filters):
            logger.addFilter(RedactPersonalData())
