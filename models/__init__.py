"""custdesk's domain: the data model and every business rule, with no user interface."""
