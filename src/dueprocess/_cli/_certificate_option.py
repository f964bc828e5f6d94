"""``--certificate-template FILE.md``: a platform's own text for ``certificate.md``."""

from __future__ import annotations

import argparse

from ..parts import check_certificate_template
from ._common import EXIT_INVALID, CommandError, read_text

__all__ = ["add_certificate_option", "certificate_template"]


def add_certificate_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--certificate-template FILE.md``."""
    parser.add_argument(
        "--certificate-template",
        metavar="FILE.md",
        help=(
            "the text of certificate.md, a $placeholder template"
            " (default: the built-in 902(11)/902(13)/902(14) certificate; see docs)"
        ),
    )


def certificate_template(args: argparse.Namespace) -> str | None:
    """The template ``--certificate-template`` names, checked; a bad one is exit 2."""
    path: str | None = getattr(args, "certificate_template", None)
    if path is None:
        return None
    text = read_text(path)
    try:
        check_certificate_template(text)
    except ValueError as error:
        raise CommandError(f"{path}: {error}", EXIT_INVALID) from None
    return text
