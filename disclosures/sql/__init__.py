"""The SQL functions and triggers of the log, one file per concern, each statement a
``CREATE OR REPLACE`` (or a drop and create) so that loading a file again brings the
database up to date. One migration loads them all (``FILES``, in order).

Read them here to see the code that runs on every save.
"""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent

# In the order they are loaded: each uses only functions of the files before it.
FILES = ("visibility", "links", "vocabulary", "freshness", "snapshot", "columns")


def load(*names: str) -> str:
    """The text of these SQL files (``"vocabulary"`` for ``vocabulary.sql``), in order."""
    return "\n".join((HERE / f"{name}.sql").read_text() for name in names)


def drop(*names: str) -> str:
    """SQL dropping every function these files make, and with them their triggers: the
    way back from loading them."""
    functions = re.findall(r"CREATE OR REPLACE FUNCTION (\w+)\(", load(*names))
    return "\n".join(f"DROP FUNCTION IF EXISTS {name} CASCADE;" for name in reversed(functions))
