"""custdesk's application wiring: the Textual app, settings and the command line."""
