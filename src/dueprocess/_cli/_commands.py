"""The command groups, in the order ``dueprocess --help`` lists them.

Each module owns one command (or a few that belong together: ``review`` and ``letter``,
``verify`` and ``bundle``); add one by importing its ``register`` here and listing it in
``REGISTRY``. Every module of this package reads the library through its public modules
only (tests/base/test_architecture.py checks it).
"""

from __future__ import annotations

from collections.abc import Callable

from . import (
    _audit_cmds,
    _case_cmds,
    _delivery_cmds,
    _demo,
    _ledger_cmds,
    _policy_cmds,
    _production_cmds,
    _report_cmds,
    _review_cmds,
    _schema_cmds,
    _store_cmds,
)
from ._options import Subcommands

Register = Callable[[Subcommands], None]

REGISTRY: tuple[Register, ...] = (
    _review_cmds.register,
    _store_cmds.register,
    _production_cmds.register,
    _demo.register,
    _delivery_cmds.register,
    _case_cmds.register,
    _audit_cmds.register,
    _ledger_cmds.register,
    _report_cmds.register,
    _schema_cmds.register,
    _policy_cmds.register,
)
