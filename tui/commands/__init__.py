"""The subcommands of `custdesk`: their parsers are in `parsers`, each handler in its own module."""
