"""Who acts on a case: an :class:`Actor` from an identity provider, never free text alone.

A :class:`~dueprocess.cases.Cases` service is handed an identity provider
(:class:`~dueprocess.typing.IdentityProvider`) that says who is authenticated; the command
line's is the operating-system login, a web service's its own signed-in user. Every event
records that actor's id. A service built without a provider takes the ``actor`` each
operation is given as already authenticated by its caller.

Approvals (a second pair of eyes): a policy may name actions that need the approval of a
second, different person before they happen (``Policy.second_approver``). The approval is an event
of its own (``approve``), bound to the review it approves; the person who then acts must
be someone else.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

import attrs

from ..exceptions import (
    DueProcessError,
    InvalidArgument,
    Problem,
)

if TYPE_CHECKING:
    from ..typing import IdentityProvider

__all__ = ["Actor", "FixedIdentity", "as_actor", "resolve_actor"]


def _one_line_id(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"an actor's {attribute.name} must be a non-empty string")
    if any(unicodedata.category(char)[0] in "CZ" and char != " " for char in value):
        raise ValueError(f"an actor's {attribute.name} must be one line of visible text")
    if value != value.strip():
        raise ValueError(f"an actor's {attribute.name} must not start or end with blanks")


@attrs.frozen
class Actor:
    """An authenticated person (or service account) acting on cases.

    ``id`` is what the audit log records (a login name, an employee id); ``name`` is an
    optional display name.

    >>> Actor("jdoe").id
    'jdoe'
    >>> Actor(" ")
    Traceback (most recent call last):
    ...
    ValueError: an actor's id must be a non-empty string
    """

    id: str = attrs.field(validator=_one_line_id)
    name: str | None = None

    def __str__(self) -> str:
        return self.id


def as_actor(value: Actor | str) -> Actor:
    """*value* as an :class:`Actor` (a string is taken as the id of one)."""
    return value if isinstance(value, Actor) else Actor(value)


def resolve_actor(identity: IdentityProvider | None, actor: Actor | str | None) -> str:
    """The id of who acts: *identity*'s current actor (an *actor* naming someone else
    is refused), or without a provider *actor* as its caller authenticated it."""
    if identity is not None:
        current = identity.current()
        if not isinstance(current, Actor):
            raise DueProcessError("the identity provider did not return an Actor")
        if actor is not None and as_actor(actor).id != current.id:
            raise InvalidArgument(
                [
                    Problem(
                        "$.actor",
                        f"{as_actor(actor).id!r} is not the authenticated user {current.id!r}",
                    )
                ],
                what="actor",
            )
        return current.id
    if actor is None:
        raise DueProcessError(
            "no actor: pass actor= (an authenticated user) or give the service an identity provider"
        )
    try:
        return as_actor(actor).id
    except ValueError as error:
        raise InvalidArgument([Problem("$.actor", str(error))], what="actor") from None


@attrs.frozen
class FixedIdentity:
    """An identity provider that always names the same actor (a string is taken as its id).

    >>> FixedIdentity("counsel").current()
    Actor(id='counsel', name=None)
    """

    actor: Actor = attrs.field(converter=as_actor)

    def current(self) -> Actor:
        """The actor."""
        return self.actor
