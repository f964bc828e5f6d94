"""What every adapter that holds a connection shares: ``with store: ...`` closes it."""

from __future__ import annotations

from types import TracebackType

from typing_extensions import Self

__all__ = ["Closing"]


class Closing:
    """A mixin: ``__enter__`` returns the adapter, ``__exit__`` calls its ``close()``."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
