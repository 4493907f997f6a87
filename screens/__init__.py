"""custdesk's screens, dialogs and widgets: they show and ask, and call models/ for the rest."""
