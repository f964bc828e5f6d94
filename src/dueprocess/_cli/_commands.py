"""The command groups, in the order ``dueprocess --help`` lists them.

Each module owns its subcommands; add a group by adding its ``register`` here.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from . import _review_cmds

Register = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]

REGISTRY: tuple[Register, ...] = (_review_cmds.register,)
