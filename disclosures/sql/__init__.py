"""The SQL functions and triggers of the log, one file per concern, each statement a
``CREATE OR REPLACE`` so that loading a file again brings the database up to date.

Read them here to see the code that runs on every save.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def load(*names: str) -> str:
    """The text of these SQL files (``"vocabulary"`` for ``vocabulary.sql``), in order."""
    return "\n".join((HERE / f"{name}.sql").read_text() for name in names)
