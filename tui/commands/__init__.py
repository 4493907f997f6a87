"""The subcommands of `custdesk`; each module registers its own parser and handler."""

from tui.commands import csv_export, csv_import, demo, outbox, portal

COMMANDS = [demo, csv_import, csv_export, outbox, portal]
