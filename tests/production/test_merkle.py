"""RFC 6962 Merkle trees: against the RFC's own recursive definition and against the
test vectors Certificate Transparency implementations publish."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dueprocess import InclusionProof, merkle_root, verify_inclusion
from dueprocess._production._merkle import (
    EMPTY_ROOT,
    MerkleBuilder,
    inclusion_proof,
    leaf_hash,
    root_from_path,
)

# --- RFC 6962 section 2.1, written out directly as the reference -----------------------


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def reference_mth(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) exactly as RFC 6962 2.1 defines it."""
    n = len(leaves)
    if n == 0:
        return _sha(b"")
    if n == 1:
        return _sha(b"\x00" + leaves[0])
    k = _split(n)
    return _sha(b"\x01" + reference_mth(leaves[:k]) + reference_mth(leaves[k:]))


def reference_path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) exactly as RFC 6962 2.1.1 defines it."""
    n = len(leaves)
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*reference_path(m, leaves[:k]), reference_mth(leaves[k:])]
    return [*reference_path(m - k, leaves[k:]), reference_mth(leaves[:k])]


def distinct_leaves(n: int) -> list[bytes]:
    return [f"leaf {i}".encode() * (i % 3 + 1) for i in range(n)]


# --- Certificate Transparency's published vectors --------------------------------------
# transparency-dev/merkle, proof/verify_test.go (also google/certificate-transparency):
# the eight standard leaves, the root of each tree size 1..8, and inclusion paths
# (the file numbers leaves from 1; here they are numbered from 0).

CT_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_PATHS = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]


def test_the_empty_tree_hashes_to_sha256_of_nothing() -> None:
    assert merkle_root([]) == EMPTY_ROOT
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_the_published_certificate_transparency_vectors(size: int) -> None:
    assert merkle_root(CT_LEAVES[:size]).hex() == CT_ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "path"), CT_PATHS)
def test_inclusion_paths_match_the_published_vectors(
    index: int, size: int, path: list[str]
) -> None:
    proof, root = inclusion_proof(index, size, CT_LEAVES[:size])
    assert [node.hex() for node in proof.path] == path
    assert root.hex() == CT_ROOTS[size - 1]
    assert verify_inclusion(CT_LEAVES[index], proof, CT_ROOTS[size - 1])


@pytest.mark.parametrize(("index", "size", "path"), CT_PATHS)
def test_a_published_proof_verifies_only_its_own_leaf(
    index: int, size: int, path: list[str]
) -> None:
    proof = InclusionProof(index, size, tuple(bytes.fromhex(node) for node in path))
    root = CT_ROOTS[size - 1]
    for other in range(size):
        if CT_LEAVES[other] != CT_LEAVES[index]:
            assert not verify_inclusion(CT_LEAVES[other], proof, root)
    assert not verify_inclusion(CT_LEAVES[index], InclusionProof(index, size * 2, proof.path), root)
    if index + 1 < size:
        moved = InclusionProof(index + 1, size, proof.path)
        assert not verify_inclusion(CT_LEAVES[index], moved, root)


@pytest.mark.parametrize("size", range(18))
def test_the_root_of_every_tree_up_to_17_leaves_is_the_rfc_definition(size: int) -> None:
    leaves = distinct_leaves(size)
    assert merkle_root(leaves) == reference_mth(leaves)


@pytest.mark.parametrize("size", range(1, 18))
def test_every_inclusion_path_up_to_17_leaves_is_the_rfc_path(size: int) -> None:
    leaves = distinct_leaves(size)
    root = reference_mth(leaves)
    for index in range(size):
        proof, found = inclusion_proof(index, size, leaves)
        assert found == root
        assert list(proof.path) == reference_path(index, leaves)
        assert verify_inclusion(leaves[index], proof, root)
        assert verify_inclusion(leaves[index], proof, root.hex())


@pytest.mark.parametrize("size", range(1, 18))
def test_a_proof_fails_for_any_other_record_or_a_flipped_bit(size: int) -> None:
    leaves = distinct_leaves(size)
    root = reference_mth(leaves)
    for index in range(size):
        proof, _ = inclusion_proof(index, size, leaves)
        assert not verify_inclusion(leaves[index] + b"x", proof, root)
        for position in range(len(proof.path)):
            path = list(proof.path)
            path[position] = bytes([path[position][0] ^ 8]) + path[position][1:]
            assert not verify_inclusion(
                leaves[index], InclusionProof(index, size, tuple(path)), root
            )
        assert not verify_inclusion(
            leaves[index], InclusionProof(index, size, (*proof.path, root)), root
        )
        if proof.path:
            shorter = InclusionProof(index, size, proof.path[:-1])
            assert not verify_inclusion(leaves[index], shorter, root)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=8), max_size=40), st.data())
def test_streamed_roots_and_paths_equal_the_definition_for_any_leaves(
    leaves: list[bytes], data: st.DataObject
) -> None:
    assert merkle_root(leaves) == reference_mth(leaves)
    if leaves:
        index = data.draw(st.integers(0, len(leaves) - 1))
        proof, root = inclusion_proof(index, len(leaves), iter(leaves))
        assert list(proof.path) == reference_path(index, leaves)
        assert verify_inclusion(leaves[index], proof, root)


def test_the_builder_holds_one_subtree_per_set_bit_of_the_leaf_count() -> None:
    builder = MerkleBuilder()
    for count in range(1, 3000):
        builder.append(b"x")
        assert len(builder._stack) == bin(count).count("1")
    assert builder.size == 2999
    assert builder.root() == builder.root()


def test_extending_with_many_leaves_equals_appending_them_one_by_one() -> None:
    for size in range(40):
        one, many = MerkleBuilder(), MerkleBuilder()
        leaves = distinct_leaves(size)
        for item in leaves:
            one.append(item)
        many.extend(leaves[: size // 2])
        many.extend(iter(leaves[size // 2 :]))
        assert many.size == one.size == size
        assert many.root() == one.root() == reference_mth(leaves)


def test_a_leaf_can_be_added_by_its_hash() -> None:
    by_data, by_hash = MerkleBuilder(), MerkleBuilder()
    for item in (b"a", b"b", b"c"):
        by_data.append(item)
        by_hash.append_hash(leaf_hash(item))
    assert by_data.root() == by_hash.root()


@pytest.mark.parametrize(("index", "size"), [(-1, 3), (3, 3), (0, 0)])
def test_a_proof_for_a_leaf_outside_the_tree_is_refused(index: int, size: int) -> None:
    with pytest.raises(IndexError):
        inclusion_proof(index, size, distinct_leaves(size))


def test_a_proof_over_more_or_fewer_leaves_than_the_tree_size_is_refused() -> None:
    with pytest.raises(ValueError, match=r"more than 3"):
        inclusion_proof(0, 3, distinct_leaves(4))
    with pytest.raises(ValueError, match=r"expected 5 leaves, read 4"):
        inclusion_proof(0, 5, distinct_leaves(4))


def test_a_path_of_the_wrong_length_leads_to_no_root() -> None:
    assert root_from_path(leaf_hash(b"x"), InclusionProof(0, 1, (EMPTY_ROOT,))) is None
    assert root_from_path(leaf_hash(b"x"), InclusionProof(0, 4, (EMPTY_ROOT,))) is None
    assert root_from_path(leaf_hash(b"x"), InclusionProof(5, 4, ())) is None
    assert root_from_path(leaf_hash(b"x"), InclusionProof(0, 1, ())) == leaf_hash(b"x")


def test_a_root_that_is_not_hex_verifies_nothing() -> None:
    proof, _ = inclusion_proof(0, 1, [b"x"])
    assert not verify_inclusion(b"x", proof, "not hex")


def test_a_proof_survives_its_json_form() -> None:
    proof, root = inclusion_proof(4, 7, distinct_leaves(7))
    document = proof.to_dict()
    assert document["index"] == 4
    assert document["tree_size"] == 7
    assert all(len(node) == 64 for node in document["path"])
    again = InclusionProof.from_dict(document)
    assert again == proof
    assert verify_inclusion(distinct_leaves(7)[4], again, root)


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"index": 0, "tree_size": 1, "path": ["zz"]},
        {"index": 2, "tree_size": 2, "path": []},
        {"index": "0", "tree_size": 1, "path": []},
        {"index": 0, "tree_size": 2, "path": ["00"]},
        {"index": 0, "tree_size": 2, "path": None},
    ],
)
def test_a_malformed_proof_document_is_refused(document: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"not an inclusion proof"):
        InclusionProof.from_dict(document)
