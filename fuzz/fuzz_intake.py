"""Coverage-guided fuzzing of intake and the review command with atheris.

Run: ``python fuzz/fuzz_intake.py -runs=100000`` (or ``-max_total_time=60``). Every input
must end in a review or an ``InvalidRequest`` / exit code 2; anything else is a crash that
libFuzzer reports with the input that caused it. Seeds: the bundled example requests.
"""

from __future__ import annotations

import io
import json
import sys

import atheris

with atheris.instrument_imports():
    from dueprocess import load_request, render_letter, review
    from dueprocess._cli._common import EXIT_INVALID, CommandError
    from dueprocess._cli._readers import read_json
    from dueprocess.exceptions import InvalidRequest


def test_one_input(data: bytes) -> None:
    # 1. The document layer: bytes -> JSON -> request -> review -> letter.
    try:
        document = json.loads(data.decode("utf-8", errors="surrogatepass"))
    except (ValueError, RecursionError, UnicodeDecodeError):
        document = None
    if document is not None:
        try:
            result = review(load_request(document))
        except InvalidRequest:
            pass
        else:
            json.dumps(result.to_dict())
            render_letter(result)
    # 2. The command line's reader: malformed input must be a CommandError with exit 2.
    stdin = sys.stdin
    try:
        sys.stdin = io.TextIOWrapper(io.BytesIO(data))
        read_json("-")
    except CommandError as error:
        if error.exit_code != EXIT_INVALID:
            raise
    finally:
        sys.stdin = stdin


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
