"""The error log: unexpected errors, each with its traceback, in a rotating file in the user
data folder (screens write to it through the standard `logging` module, logger "custdesk")."""

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from tui.settings import data_dir

LOGGER_NAME = "custdesk"
LOG_FILE_NAME = "custdesk.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s [%(name)s] %(message)s"


def error_log_path() -> Path:
    """Where the error log is written: custdesk.log in the user data folder."""
    return data_dir() / LOG_FILE_NAME


def start_error_log() -> Path:
    """Send the "custdesk" logger's warnings and errors to the log file (created on the first
    record, rotated at about 1 MB, three old files kept); returns the file's path."""
    path = error_log_path()
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        if isinstance(handler, RotatingFileHandler):  # a previous app in this process
            logger.removeHandler(handler)
            handler.close()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the data folder: private
    handler = RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
    )
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    return path


def stop_error_log() -> None:
    """Close the log file (the app has ended)."""
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        if isinstance(handler, RotatingFileHandler):
            logger.removeHandler(handler)
            handler.close()
