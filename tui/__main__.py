"""`python -m tui` runs the custdesk command line."""

from tui.cli import main

raise SystemExit(main())
