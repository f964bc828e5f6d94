"""RFC 6962 Merkle trees over a production's records, built and proven in flat memory.

The Merkle Tree Hash (RFC 6962 section 2.1): a leaf is SHA-256(0x00 || bytes), an inner
node SHA-256(0x01 || left || right), a tree of n > 1 leaves splits at the largest power of
two below n, and the empty tree's hash is SHA-256 of nothing. A production's root lets a
platform later prove that one record was produced without showing the others.

Nothing here holds more than O(log n) hashes: :class:`MerkleBuilder` keeps a stack of the
roots of perfect subtrees (one per set bit of the leaf count), and
:func:`inclusion_proof` re-reads the leaves once, hashing only the subtrees the proof
needs, one at a time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

__all__ = [
    "EMPTY_ROOT",
    "InclusionProof",
    "MerkleBuilder",
    "inclusion_proof",
    "leaf_hash",
    "merkle_root",
    "node_hash",
    "root_from_path",
    "verify_inclusion",
]

#: The Merkle Tree Hash of no leaves: SHA-256 of the empty string.
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 || data).

    >>> leaf_hash(b"").hex()
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'
    """
    return _sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return _sha256(b"\x01" + left + right).digest()


@attrs.define
class MerkleBuilder:
    """Computes a Merkle Tree Hash as leaves arrive, holding O(log n) hashes.

    >>> builder = MerkleBuilder()
    >>> for item in (b"a", b"b", b"c"):
    ...     builder.append(item)
    >>> builder.size, builder.root() == merkle_root([b"a", b"b", b"c"])
    (3, True)
    """

    # Roots of perfect subtrees, largest (leftmost) first, with their leaf counts: the
    # binary digits of ``size``. Appending a leaf merges equal neighbours, like a carry.
    _stack: list[tuple[int, bytes]] = attrs.field(factory=list)
    _size: int = 0

    @property
    def size(self) -> int:
        """Number of leaves appended so far."""
        return self._size

    def append(self, data: bytes) -> None:
        """Add one leaf: the record's canonical bytes."""
        self.append_hash(_sha256(b"\x00" + data).digest())

    def extend(self, items: Iterable[bytes]) -> None:
        """Add many leaves, each one's data, in order (a tight loop for big trees)."""
        stack = self._stack
        sha256 = _sha256
        added = 0
        for data in items:
            count, node = 1, sha256(b"\x00" + data).digest()
            while stack and stack[-1][0] == count:
                count += count
                node = sha256(b"\x01" + stack.pop()[1] + node).digest()
            stack.append((count, node))
            added += 1
        self._size += added

    def append_hash(self, leaf: bytes) -> None:
        """Add one leaf given its leaf hash."""
        stack = self._stack
        count, node = 1, leaf
        while stack and stack[-1][0] == count:
            count += stack[-1][0]
            node = _sha256(b"\x01" + stack.pop()[1] + node).digest()
        stack.append((count, node))
        self._size += 1

    def root(self) -> bytes:
        """The Merkle Tree Hash of the leaves so far (the builder stays usable)."""
        if not self._stack:
            return EMPTY_ROOT
        # MTH splits at the largest power of two below n, so the perfect subtrees on
        # the stack combine right to left.
        node = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            node = node_hash(left, node)
        return node


def merkle_root(items: Iterable[bytes]) -> bytes:
    """The RFC 6962 Merkle Tree Hash of *items* (each one leaf's data), streaming.

    >>> merkle_root([]).hex()
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    """
    builder = MerkleBuilder()
    for item in items:
        builder.append(item)
    return builder.root()


@attrs.frozen
class InclusionProof:
    """The audit path (RFC 6962 section 2.1.1) proving that one leaf is in a tree.

    ``path`` lists sibling hashes from the leaf up to the root. With the leaf's bytes and
    the tree's root, :func:`verify_inclusion` checks the proof; nothing else of the tree
    is needed, so one record can be proven without showing the others.
    """

    index: int
    tree_size: int
    path: tuple[bytes, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{"index", "tree_size", "path": [hex, ...]}``."""
        return {
            "index": self.index,
            "tree_size": self.tree_size,
            "path": [node.hex() for node in self.path],
        }

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> InclusionProof:
        """Read :meth:`to_dict`'s form back; raises ``ValueError`` on a malformed proof."""
        try:
            index, size, path = document["index"], document["tree_size"], document["path"]
            nodes = tuple(bytes.fromhex(node) for node in path)
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"not an inclusion proof: {error}") from None
        if not (isinstance(index, int) and isinstance(size, int) and 0 <= index < size):
            raise ValueError("not an inclusion proof: need 0 <= index < tree_size")
        if any(len(node) != 32 for node in nodes):
            raise ValueError("not an inclusion proof: every path node is 32 bytes")
        return cls(index=index, tree_size=size, path=nodes)


def _largest_power_of_two_below(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def _sibling_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose subtree hashes make PATH(index, D[size]), leaf first."""
    ranges: list[tuple[int, int]] = []
    low, high = 0, size
    while high - low > 1:
        split = low + _largest_power_of_two_below(high - low)
        if index < split:
            ranges.append((split, high))
            high = split
        else:
            ranges.append((low, split))
            low = split
    ranges.reverse()
    return ranges


def inclusion_proof(
    index: int, tree_size: int, leaves: Iterable[bytes]
) -> tuple[InclusionProof, bytes]:
    """Build the proof for leaf *index* of a tree of *tree_size* leaves, reading each once.

    Returns the proof and the root of the tree the leaves make, so a caller can check
    that what it read is what the root commits to. Memory stays O(log n): the sibling
    subtrees the path needs are disjoint leaf ranges, known from *index* and
    *tree_size* alone, and each is hashed by its own :class:`MerkleBuilder` as its
    leaves stream past.

    Raises:
        IndexError: *index* is not a leaf of the tree.
        ValueError: *leaves* has more or fewer than *tree_size* items.

    >>> proof, root = inclusion_proof(1, 3, [b"a", b"b", b"c"])
    >>> len(proof.path), verify_inclusion(b"b", proof, root)
    (2, True)
    """
    if not 0 <= index < tree_size:
        raise IndexError(f"leaf index {index} is outside a tree of {tree_size} leaves")
    needed = _sibling_ranges(index, tree_size)
    pending = sorted(needed, reverse=True)  # next range to hash is pending[-1]
    hashes: dict[tuple[int, int], bytes] = {}
    whole = MerkleBuilder()
    subtree = MerkleBuilder()
    for position, data in enumerate(leaves):
        if position >= tree_size:
            raise ValueError(f"more than {tree_size} leaves")
        leaf = _sha256(b"\x00" + data).digest()
        whole.append_hash(leaf)
        if position == index:
            continue
        low, high = pending[-1]
        if position == low:
            subtree = MerkleBuilder()
        subtree.append_hash(leaf)
        if position == high - 1:
            hashes[pending.pop()] = subtree.root()
    if whole.size != tree_size:
        raise ValueError(f"expected {tree_size} leaves, read {whole.size}")
    path = tuple(hashes[item] for item in needed)
    return InclusionProof(index=index, tree_size=tree_size, path=path), whole.root()


def root_from_path(leaf: bytes, proof: InclusionProof) -> bytes | None:
    """The root an audit path leads to from a leaf hash, or ``None`` if the path's
    length does not fit the tree (RFC 9162 section 2.1.3.2)."""
    if not 0 <= proof.index < proof.tree_size:
        return None
    index, last, node = proof.index, proof.tree_size - 1, leaf
    for sibling in proof.path:
        if last == 0:
            return None
        if index & 1 or index == last:
            node = node_hash(sibling, node)
            while not index & 1 and index != 0:
                index >>= 1
                last >>= 1
        else:
            node = node_hash(node, sibling)
        index >>= 1
        last >>= 1
    return node if last == 0 else None


def verify_inclusion(record: bytes, proof: InclusionProof, root: bytes | str) -> bool:
    """Whether *proof* shows that *record* is leaf ``proof.index`` of the tree with *root*.

    *record* is the record's canonical bytes (one line of ``records.jsonl`` without its
    newline); *root* is the manifest's ``merkle_root``, hex or raw.

    >>> proof, root = inclusion_proof(0, 2, [b"x", b"y"])
    >>> verify_inclusion(b"x", proof, root.hex()), verify_inclusion(b"y", proof, root)
    (True, False)
    """
    if isinstance(root, str):
        try:
            root = bytes.fromhex(root)
        except ValueError:
            return False
    found = root_from_path(leaf_hash(record), proof)
    return found is not None and found == root
