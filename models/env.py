"""Whole-number settings read from the environment, with a clear message when one is wrong."""

import os


class SettingError(ValueError):
    """A setting in the environment cannot be used; the message names it and the allowed range."""


def env_int(name: str, default: int, low: int, high: int) -> int:
    """The whole number in environment variable `name`, or `default` when it is unset or blank."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise SettingError(f"{name} must be a whole number from {low} to {high} (it is {raw!r}).")
    return int(raw)
