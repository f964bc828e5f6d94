"""``dueprocess review`` and ``dueprocess letter`` (placeholder)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    del subparsers
