"""The directory sink writes a production atomically; the directory helpers read one."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dueprocess import Category, produce, verify_inclusion
from dueprocess.adapters import DirectorySink, read_manifest, read_record_lines, verify_directory
from dueprocess.exceptions import IntegrityError, StoreError
from dueprocess.testing import MemoryStore

from ..production_support import PRODUCED_AT, login, make_review, subscriber


def store() -> MemoryStore:
    return MemoryStore.of(
        [subscriber("100001")]
        + [login("100001", f"2017-01-{day:02d}T10:00:00") for day in range(1, 20)]
    )


def entries(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir())


def test_a_committed_production_appears_whole_at_its_path(tmp_path: Path) -> None:
    target = tmp_path / "out"
    manifest = produce(make_review(), store(), DirectorySink(target), produced_at=PRODUCED_AT)
    assert entries(tmp_path) == ["out"]
    assert entries(target) == ["certificate.md", "letter.md", "manifest.json", "records.jsonl"]
    assert json.loads((target / "manifest.json").read_text())["records"] == manifest.records == 20


def test_nothing_appears_at_the_path_before_commit(tmp_path: Path) -> None:
    target = tmp_path / "out"
    sink = DirectorySink(target)
    assert repr(sink) == f"DirectorySink({str(target)!r})"
    sink.write("records.jsonl", [b"a\n", b"b\n"])
    assert not target.exists()
    hidden = [name for name in entries(tmp_path) if name.startswith(".out.partial-")]
    assert len(hidden) == 1
    sink.commit()
    assert (target / "records.jsonl").read_bytes() == b"a\nb\n"
    assert entries(tmp_path) == ["out"]


def test_a_production_that_fails_mid_stream_leaves_nothing_behind(tmp_path: Path) -> None:
    class Failing:
        def resolve(self, target: Any) -> list[str]:
            return ["100001"]

        def records(self, account: str, category: Category, *_: Any) -> Iterator[Any]:
            if category is Category.SESSION_LOGS:
                yield login("100001", "2017-01-05T00:00:00")
                raise ConnectionError("gone")

    with pytest.raises(StoreError, match=r"gone"):
        produce(make_review(), Failing(), DirectorySink(tmp_path / "out"), produced_at=PRODUCED_AT)
    assert entries(tmp_path) == []


def test_an_abort_removes_the_partial_files(tmp_path: Path) -> None:
    sink = DirectorySink(tmp_path / "out")
    sink.write("records.jsonl", [b"x"])
    sink.abort()
    sink.abort()
    assert entries(tmp_path) == []
    with pytest.raises(StoreError, match=r"already finished"):
        sink.write("letter.md", [b"x"])


def test_an_existing_non_empty_directory_is_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    with pytest.raises(StoreError, match=r"already exists and is not empty"):
        DirectorySink(target)
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match=r"already exists"):
        DirectorySink(tmp_path / "file")


def test_a_target_that_appears_while_writing_is_not_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "out"
    sink = DirectorySink(target)
    sink.write("records.jsonl", [b"x"])
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    with pytest.raises(StoreError, match=r"already exists"):
        sink.commit()
    assert entries(target) == ["keep.txt"]


def test_an_empty_directory_made_in_advance_is_filled(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    produce(make_review(), store(), DirectorySink(target), produced_at=PRODUCED_AT)
    assert "manifest.json" in entries(target)


def test_replace_swaps_in_the_new_production_only_when_it_is_complete(tmp_path: Path) -> None:
    target = tmp_path / "out"
    produce(make_review(), store(), DirectorySink(target), produced_at=PRODUCED_AT)
    sink = DirectorySink(target, replace=True, durable=False)
    sink.write("records.jsonl", [b"new\n"])
    assert (target / "manifest.json").exists()
    sink.commit()
    assert entries(target) == ["records.jsonl"]
    assert entries(tmp_path) == ["out"]
    (tmp_path / "plain").write_text("old")
    sink = DirectorySink(tmp_path / "plain", replace=True)
    sink.write("a.txt", [b"x"])
    sink.commit()
    assert entries(tmp_path / "plain") == ["a.txt"]


def test_missing_parent_directories_are_made(tmp_path: Path) -> None:
    sink = DirectorySink(tmp_path / "a" / "b" / "out")
    sink.write("x.txt", [b"x"])
    sink.commit()
    assert (tmp_path / "a" / "b" / "out" / "x.txt").read_bytes() == b"x"


@pytest.mark.parametrize("name", ["../escape", "a/b", ".hidden", "", "..", "x" * 200])
def test_only_plain_file_names_are_written(tmp_path: Path, name: str) -> None:
    with pytest.raises(StoreError, match=r"not a plain file name"):
        DirectorySink(tmp_path / "out").write(name, [b"x"])


def test_a_file_is_written_once(tmp_path: Path) -> None:
    sink = DirectorySink(tmp_path / "out")
    sink.write("a.txt", [b"x"])
    with pytest.raises(StoreError, match=r"already written"):
        sink.write("a.txt", [b"y"])


def test_file_system_failures_become_store_errors(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    with pytest.raises(StoreError, match=r"cannot write beside"):
        DirectorySink(blocker / "out").write("a.txt", [b"x"])
    sink = DirectorySink(tmp_path / "out")
    sink.write("a.txt", [b"x"])
    assert sink._partial is not None
    (sink._partial / "b.txt").mkdir()
    with pytest.raises(StoreError, match=r"cannot write b.txt"):
        sink.write("b.txt", [b"x"])
    os.rmdir(sink._partial / "b.txt")


def test_a_failed_rename_is_a_store_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sink = DirectorySink(tmp_path / "out")
    sink.write("a.txt", [b"x"])

    def refuse(self: Path, target: Path) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(Path, "rename", refuse)
    with pytest.raises(StoreError, match=r"cannot move the production into .*read-only"):
        sink.commit()


def test_a_directory_production_verifies_and_proves_one_record(tmp_path: Path) -> None:
    target = tmp_path / "out"
    review = make_review()
    produce(review, store(), DirectorySink(target), produced_at=PRODUCED_AT)
    assert verify_directory(target, review=review).ok
    manifest = read_manifest(target)
    proof = manifest.inclusion_proof(5, read_record_lines(target))
    line = (target / "records.jsonl").read_bytes().split(b"\n")[5]
    assert verify_inclusion(line, proof, manifest.merkle_root)


def test_verify_directory_names_a_tampered_record(tmp_path: Path) -> None:
    target = tmp_path / "out"
    produce(make_review(), store(), DirectorySink(target), produced_at=PRODUCED_AT)
    path = target / "records.jsonl"
    path.write_bytes(path.read_bytes().replace(b"2017-01-05", b"2017-01-06", 1))
    result = verify_directory(target)
    assert [m.subject for m in result.mismatches] == ["merkle_root", "records.jsonl"]


def test_verify_directory_reports_what_is_missing_or_stray(tmp_path: Path) -> None:
    assert [str(m) for m in verify_directory(tmp_path / "nope").mismatches] == [
        f"{tmp_path / 'nope'}: is not a directory"
    ]
    assert [str(m) for m in verify_directory(tmp_path).mismatches] == ["manifest.json: is missing"]
    target = tmp_path / "out"
    produce(make_review(), store(), DirectorySink(target), produced_at=PRODUCED_AT)
    (target / "sub").mkdir()
    (target / "link").symlink_to(target / "letter.md")
    messages = [str(m) for m in verify_directory(target).mismatches]
    assert messages == [
        "link: is not a regular file of a production",
        "sub: is not a regular file of a production",
    ]


def test_an_unreadable_manifest_is_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").mkdir()
    result = verify_directory(tmp_path)
    assert result.mismatches[0].subject == "manifest.json"
    assert "unreadable" in result.mismatches[0].message


def test_an_unreadable_record_file_is_reported_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out"
    produce(make_review(), store(), DirectorySink(target), produced_at=PRODUCED_AT)

    def unreadable(path: Path) -> Iterator[bytes]:
        raise PermissionError("permission denied")
        yield b""

    monkeypatch.setattr("dueprocess.adapters._directory._file_chunks", unreadable)
    result = verify_directory(target)
    assert "unreadable: permission denied" in result.mismatches[0].message


def test_reading_a_directory_without_a_production_is_an_integrity_error(tmp_path: Path) -> None:
    with pytest.raises(IntegrityError, match=r"cannot read manifest.json"):
        read_manifest(tmp_path)
    with pytest.raises(IntegrityError, match=r"cannot read records.jsonl"):
        list(read_record_lines(tmp_path))
