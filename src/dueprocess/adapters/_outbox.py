"""A notifier that leaves each notice as a JSON file in an outbox folder.

The command line has no mail server: ``dueprocess case notify`` hands the notice to an
outbox, and the service's own mailer sends what it finds there. One file per account
holder of a case (a notice names only that account's identifiers), named from a digest of
the case id and the recipient (so no id can name a path), written whole or not at all.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from .._canonical import canonical_bytes
from .._cases._notice import UserNotice
from ..exceptions import StoreError

__all__ = ["OutboxNotifier"]


class OutboxNotifier:
    """Delivers a :class:`~dueprocess.UserNotice` as ``notice-<digest>.json`` in a folder.

    Delivering the same case's notice again replaces its file with the same bytes, so
    repeats are harmless (the Notifier contract asks for that).

    >>> import tempfile, datetime as dt
    >>> from dueprocess import NoticeTiming, ProcessKind, UserNotice
    >>> outbox = OutboxNotifier(tempfile.mkdtemp())
    >>> outbox.deliver(UserNotice("C-1", "C-1", NoticeTiming.BEFORE_DISCLOSURE, None,
    ...     (), "Agency", "US", ProcessKind.SUBPOENA, (), account="100001"))
    >>> outbox.path_for("C-1", "account:100001").read_text()[:22]
    '{"account":"100001","a'
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

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
        """Write the notice; raise :class:`~dueprocess.StoreError` if it cannot be written."""
        target = self.path_for(notice.case_id, self.recipient(notice))
        data = canonical_bytes(notice.to_dict()) + b"\n"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".notice-", dir=self.directory)
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(data)
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as error:
            raise StoreError(
                f"cannot write the notice to {self.directory}: {error.strerror or error}"
            ) from None

    def __repr__(self) -> str:
        return f"OutboxNotifier({str(self.directory)!r})"
