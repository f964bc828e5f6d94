"""A notifier that leaves each notice as a JSON file in an outbox folder.

The command line has no mail server: ``dueprocess case notify`` hands the notice to an
outbox, and the service's own mailer sends what it finds there. One file per case, named
from a digest of the case id (so no id can name a path), written whole or not at all.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .._canonical import canonical_bytes
from .._cases._notice import UserNotice
from ..exceptions import StoreError
from ._files import write_file

__all__ = ["OutboxNotifier"]


class OutboxNotifier:
    """Delivers a :class:`~dueprocess.UserNotice` as ``notice-<digest>.json`` in a folder.

    The file is written like every file dueprocess writes (:func:`write_file`): new,
    whole, never through a symbolic link. Delivering the same notice again finds the
    same bytes and changes nothing, so repeats are harmless (the Notifier contract asks
    for that); a different notice under the same name is refused unless ``replace``.

    >>> import tempfile, datetime as dt
    >>> from dueprocess import NoticeTiming, ProcessKind, UserNotice
    >>> outbox = OutboxNotifier(tempfile.mkdtemp())
    >>> outbox.deliver(UserNotice("C-1", "C-1", NoticeTiming.BEFORE_DISCLOSURE, None,
    ...     (), "Agency", "US", ProcessKind.SUBPOENA, ()))
    >>> outbox.path_for("C-1").read_text()[:16]
    '{"agency":"Agenc'
    """

    def __init__(self, directory: str | os.PathLike[str], *, replace: bool = False) -> None:
        self.directory = Path(directory)
        self.replace = replace

    def path_for(self, case_id: str) -> Path:
        """Where the notice of *case_id* is written."""
        digest = hashlib.sha256(case_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return self.directory / f"notice-{digest}.json"

    def deliver(self, notice: UserNotice) -> None:
        """Write the notice; raise :class:`~dueprocess.StoreError` if it cannot be written."""
        target = self.path_for(notice.case_id)
        data = canonical_bytes(notice.to_dict()) + b"\n"
        if self.directory.is_symlink():
            raise StoreError(
                f"{self.directory} is a symbolic link: dueprocess never writes through one"
            )
        try:
            write_file(target, data, replace=self.replace)
        except StoreError as error:
            raise StoreError(f"cannot write the notice to {self.directory}: {error}") from None

    def __repr__(self) -> str:
        return f"OutboxNotifier({str(self.directory)!r})"
