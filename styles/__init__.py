"""custdesk's stylesheets (.tcss): every colour and size lives here, not in Python."""

from pathlib import Path, PurePath

STYLES_DIR = Path(__file__).parent


def stylesheet(name: str) -> Path:
    """The path of one stylesheet in this folder."""
    return STYLES_DIR / name


APP_STYLESHEETS: list[str | PurePath] = [stylesheet("app.tcss"), stylesheet("dialogs.tcss")]
"""What every app that shows custdesk's screens loads: the shared styles, then every dialog's."""
