"""A notifier that leaves each notice as a JSON file in an outbox folder.

The command line has no mail server: ``dueprocess case notify`` hands the notice to an
outbox, and the service's own mailer sends what it finds there. One file per account
holder of a case (a notice names only that account's identifiers), named from a digest of
the case id and the recipient (so no id can name a path), written whole or not at all.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .._base._canonical import canonical_bytes
from .._cases._notice import UserNotice
from ..exceptions import StoreError
from ._files import write_file

__all__ = ["OutboxNotifier"]


class OutboxNotifier:
    """Delivers a :class:`~dueprocess.cases.UserNotice` as ``notice-<digest>.json`` in a folder.

    The file is written like every file dueprocess writes (:func:`write_file`): new,
    whole, never through a symbolic link. Delivering the same notice again finds the
    same bytes and changes nothing, so repeats are harmless (the Notifier contract asks
    for that); a different notice under the same name is refused unless ``replace``.

    >>> import tempfile, datetime as dt
    >>> from dueprocess import ProcessKind
    >>> from dueprocess.cases import UserNotice
    >>> from dueprocess.parts import NoticeTiming
    >>> outbox = OutboxNotifier(tempfile.mkdtemp())
    >>> outbox.deliver(UserNotice("C-1", "C-1", NoticeTiming.BEFORE_DISCLOSURE, None,
    ...     (), "Agency", "US", ProcessKind.SUBPOENA, (), account="100001"))
    >>> outbox.path_for("C-1", "account:100001").read_text()[:22]
    '{"account":"100001","a'
    """

    def __init__(self, directory: str | os.PathLike[str], *, replace: bool = False) -> None:
        self.directory = Path(directory)
        self.replace = replace

    def path_for(self, case_id: str, recipient: str | None = None) -> Path:
        """Where the notice of *case_id* to *recipient* is written (see :meth:`recipient`)."""
        key = case_id if recipient is None else f"{case_id}\x00{recipient}"
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return self.directory / f"notice-{digest}.json"

    @staticmethod
    def recipient(notice: UserNotice) -> str | None:
        """Whom *notice* is for: its account, else its one target, else ``None``."""
        if notice.account is not None:
            return f"account:{notice.account}"
        if len(notice.targets) == 1:
            target = notice.targets[0]
            return f"{target.kind.value}:{target.value}"
        return None

    def deliver(self, notice: UserNotice) -> None:
        """Write the notice; raise :class:`~dueprocess.exceptions.StoreError` if it cannot be
        written."""
        target = self.path_for(notice.case_id, self.recipient(notice))
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
