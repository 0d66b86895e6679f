"""What `ogi COMMAND --help` shows a user: plain text, no docstring markup, no dangling references."""

from __future__ import annotations

import typer.main

from ogi.cli.main import app


def test_cli_help_has_no_docstring_markup() -> None:
    group = typer.main.get_command(app)
    for name, cmd in group.commands.items():
        texts = [cmd.help or "", cmd.short_help or ""] + [getattr(p, "help", "") or "" for p in cmd.params]
        for text in texts:
            assert "``" not in text and ":func:" not in text, f"ogi {name}: {text!r}"
