"""The subcommands of `custdesk`; each module registers its own parser and handler."""

from tui.commands import demo

COMMANDS = [demo]
