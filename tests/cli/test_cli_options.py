"""--db and --mail before or after any subcommand, at any depth."""

import argparse

from support.cli import run_custdesk

from tui.cli import build_parser


def subcommand_paths(parser: argparse.ArgumentParser, path=()) -> list[tuple[str, ...]]:
    """Every subcommand that can be run, at any depth, as the words that choose it."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                deeper = subcommand_paths(child, (*path, name))
                found += deeper or [(*path, name)]
    return found


REQUIRED = {
    "import": ["f.csv"],
    "export": ["f.csv"],
    "portal-login": ["a@example.com"],
    "portal-activate": ["token"],
    "staff add": ["login", "--role", "staff"],
    "staff set-role": ["login", "staff"],
    "staff remove": ["login"],
}  # positional arguments of the subcommands that have them


def parse(words: list[str]) -> argparse.Namespace:
    return build_parser().parse_args(words)


def test_every_subcommand_takes_db_and_mail_after_its_name():
    paths = subcommand_paths(build_parser())
    assert {"demo", "import", "export", "outbox"} <= {path[0] for path in paths}
    for path in paths:
        words = [*path, *REQUIRED.get(" ".join(path), [])]
        after = parse([*words, "--db", "sqlite:///a.db", "--mail", "maildir:m"])
        assert (after.db, after.mail) == ("sqlite:///a.db", "maildir:m"), path
        before = parse(["--db", "sqlite:///a.db", "--mail", "maildir:m", *words])
        assert (before.db, before.mail) == ("sqlite:///a.db", "maildir:m"), path


def test_the_option_after_the_subcommand_wins_and_one_not_repeated_is_kept():
    args = parse(
        [
            "--db",
            "sqlite:///first.db",
            "--mail",
            "maildir:m",
            "outbox",
            "--db",
            "sqlite:///second.db",
        ]
    )
    assert (args.db, args.mail) == ("sqlite:///second.db", "maildir:m")
    assert (parse(["outbox"]).db, parse(["outbox"]).mail) == (None, None)


def test_outbox_with_db_after_it_uses_that_database(tmp_path):
    target = tmp_path / "after.db"
    result = run_custdesk(
        "outbox", "--db", f"sqlite:///{target}", "--mail", f"maildir:{tmp_path / 'mail'}"
    )
    assert result.returncode == 0, result.stderr
    assert target.exists()
    assert not (tmp_path / "data" / "custdesk.db").exists()
