"""The command groups, in the order ``dueprocess --help`` lists them.

Each module owns its subcommands; add a group by importing its ``register`` here and
listing it in ``REGISTRY``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from ._case_cmds import register as register_cases
from ._delivery_cmds import register as register_delivery
from ._production_cmds import register as register_production
from ._report_cmds import register as register_report
from ._review_cmds import register as register_review
from ._schema_cmds import register as register_schema

Register = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]

REGISTRY: tuple[Register, ...] = (
    register_review,
    register_production,
    register_delivery,
    register_cases,
    register_report,
    register_schema,
)
