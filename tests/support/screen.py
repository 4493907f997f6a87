"""What the app shows, read the way a test checks it: text, the list's parts, toasts."""

from collections.abc import Iterator

from textual.strip import Strip

from screens.widgets.customer_table import CustomerTable


def screen_text(app) -> str:
    """What the terminal shows of the top screen, as plain text lines."""
    return "\n".join(
        "".join(segment.text for segment in strip)
        for strip in app.screen._compositor.render_strips()
    )


def terminal_strips(app) -> Iterator[tuple[int, int, Strip]]:
    """(row, column, strip) of the whole screen, as the driver writes it, with the screens
    under a modal one blended in; a strip never crosses from one widget into another."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    for row, strips in enumerate(update.strips):
        column = 0
        for strip in strips:
            yield row, column, strip
            column += strip.cell_length


def shown(app) -> str:
    """The whole terminal (modal screens over what they cover) as plain text."""
    lines: dict[int, str] = {}
    for row, _column, strip in terminal_strips(app):
        lines[row] = lines.get(row, "") + strip.text
    return "\n".join(lines.values())


def summary(app) -> str:
    """The list's summary line ("2 customers")."""
    return str(app.screen.query_one("#summary").render())


def table(app) -> CustomerTable:
    """The customer table of the list screen shown."""
    return app.screen.query_one(CustomerTable)


def toasts(app) -> list[str]:
    """The messages notified so far, oldest first."""
    return [str(notification.message) for notification in app._notifications]
