"""Preferences remembered between runs (the theme), in a small JSON file in the user config
folder. A missing, unreadable or malformed file means the defaults, with a logged warning."""

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from tui.settings import config_dir

LOGGER = logging.getLogger("custdesk")
FILE_NAME = "preferences.json"
DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


@dataclass(frozen=True)
class Preferences:
    """What the user chose last time."""

    theme: str = DARK_THEME


def preferences_path() -> Path:
    """preferences.json in the user config folder."""
    return config_dir() / FILE_NAME


def load_preferences() -> Preferences:
    """The saved preferences; the defaults when there are none or the file cannot be used."""
    path = preferences_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Preferences()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        LOGGER.warning("Ignoring the preferences file %s: %s", path, error)
        return Preferences()
    theme = data.get("theme") if isinstance(data, dict) else None
    if not isinstance(theme, str):
        LOGGER.warning("Ignoring the preferences file %s: no theme name in it", path)
        return Preferences()
    return Preferences(theme=theme)


def save_preferences(preferences: Preferences) -> None:
    """Write the preferences (a failure to write is logged, never raised)."""
    path = preferences_path()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(preferences), indent=2) + "\n", encoding="utf-8")
        temporary.replace(path)
    except OSError as error:
        LOGGER.warning("Could not save the preferences to %s: %s", path, error)
