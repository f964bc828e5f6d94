"""dueprocess bundle: one deterministic zip; verify reads it as it reads a directory."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dueprocess import produce
from dueprocess._cli import main
from dueprocess.adapters import (
    DirectorySink,
    bundle_production,
    verify_bundle,
    verify_directory,
    verify_production,
)
from dueprocess.exceptions import IntegrityError, StoreError
from dueprocess.testing import MemoryStore

from ..production_support import PRODUCED_AT, login, make_review, subscriber

FILES = ["certificate.md", "letter.md", "manifest.json", "records.jsonl"]


def make_production(where: Path, logins: int = 3) -> Path:
    records = [subscriber("100001")]
    records += [login("100001", f"2017-01-{day + 1:02d}T10:00:00") for day in range(logins)]
    produce(make_review(), MemoryStore.of(records), DirectorySink(where), produced_at=PRODUCED_AT)
    return where


@pytest.fixture
def production(tmp_path: Path) -> Path:
    return make_production(tmp_path / "production")


def test_the_zip_holds_exactly_the_production_s_files_sorted_with_fixed_metadata(
    production: Path, tmp_path: Path
) -> None:
    out = tmp_path / "p.zip"
    manifest = bundle_production(production, out)
    with zipfile.ZipFile(out) as archive:
        infos = archive.infolist()
        assert [info.filename for info in infos] == FILES
        for info in infos:
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.compress_type == zipfile.ZIP_STORED
            assert info.extra == b""
            assert info.comment == b""
            assert info.external_attr >> 16 == stat.S_IFREG | 0o644
            assert archive.read(info) == (production / info.filename).read_bytes()
        assert archive.comment == b""
    assert (
        manifest.merkle_root
        == json.loads((production / "manifest.json").read_text())["merkle_root"]
    )


def test_the_same_production_gives_the_same_bytes_wherever_and_whenever_it_is_packed(
    production: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "elsewhere" / "copy"
    shutil.copytree(production, copy)
    os.utime(copy / "records.jsonl", (0, 0))  # other file times change nothing
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    bundle_production(production, first)
    bundle_production(copy, second)
    assert first.read_bytes() == second.read_bytes()


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(logins=st.integers(0, 20))
def test_bundling_is_a_function_of_the_production(tmp_path: Path, logins: int) -> None:
    where = tmp_path / f"run-{logins}-{os.urandom(4).hex()}"
    production = make_production(where / "p", logins)
    bundle_production(production, where / "1.zip")
    bundle_production(production, where / "2.zip")
    assert (where / "1.zip").read_bytes() == (where / "2.zip").read_bytes()
    assert verify_bundle(where / "1.zip").ok


def test_a_zip_verifies_as_its_directory_does(production: Path, tmp_path: Path) -> None:
    out = tmp_path / "p.zip"
    bundle_production(production, out)
    by_zip, by_directory = verify_bundle(out), verify_directory(production)
    assert by_zip.ok
    assert by_zip.manifest == by_directory.manifest
    assert verify_production(out).ok
    assert verify_production(production).ok


def test_bundle_never_overwrites_and_leaves_nothing_behind(
    production: Path, tmp_path: Path
) -> None:
    out = tmp_path / "p.zip"
    out.write_bytes(b"keep me")
    with pytest.raises(StoreError, match="already exists"):
        bundle_production(production, out)
    assert out.read_bytes() == b"keep me"
    link = tmp_path / "link.zip"
    link.symlink_to(tmp_path / "nowhere.zip")
    with pytest.raises(StoreError, match="already exists"):
        bundle_production(production, link)
    assert not (tmp_path / "nowhere.zip").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.zip", "p.zip", "production"]


def test_a_damaged_production_is_not_packed(production: Path, tmp_path: Path) -> None:
    letter = production / "letter.md"
    letter.write_bytes(letter.read_bytes() + b"edited\n")
    with pytest.raises(IntegrityError, match=r"letter\.md"):
        bundle_production(production, tmp_path / "p.zip")
    assert not (tmp_path / "p.zip").exists()


def test_a_linked_file_in_the_production_is_not_followed(production: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    shutil.move(production / "letter.md", outside)
    (production / "letter.md").symlink_to(outside)
    with pytest.raises(IntegrityError, match="not a regular file"):
        bundle_production(production, tmp_path / "p.zip")


# --- hostile zips ------------------------------------------------------------------------


def zip_of(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return buffer.getvalue()


def entries_of(production: Path) -> list[tuple[zipfile.ZipInfo | str, bytes]]:
    return [(name, (production / name).read_bytes()) for name in FILES]


def check(tmp_path: Path, data: bytes) -> list[str]:
    path = tmp_path / "hostile.zip"
    path.write_bytes(data)
    result = verify_bundle(path)
    assert not result.ok
    return [str(mismatch) for mismatch in result.mismatches]


@pytest.mark.parametrize("name", ["../evil.md", "/etc/passwd", "sub/letter.md", ".hidden", "a\\b"])
def test_a_path_that_leaves_the_top_of_the_zip_is_refused(
    production: Path, tmp_path: Path, name: str
) -> None:
    found = check(tmp_path, zip_of([*entries_of(production), (name, b"x")]))
    assert any("is not a plain file name" in line for line in found), found


def test_a_repeated_name_is_refused(production: Path, tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = zip_of([*entries_of(production), ("letter.md", b"another letter")])
    found = check(tmp_path, data)
    assert "letter.md: appears more than once in the zip" in found
    assert "letter.md: is missing" in found


def test_a_link_entry_is_refused(production: Path, tmp_path: Path) -> None:
    link = zipfile.ZipInfo("records.jsonl")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    entries = [e for e in entries_of(production) if e[0] != "records.jsonl"]
    found = check(tmp_path, zip_of([*entries, (link, b"/etc/passwd")]))
    assert "records.jsonl: is not a regular file (a link or a folder)" in found


def test_a_zip_bomb_is_refused_without_expanding_it(production: Path, tmp_path: Path) -> None:
    bomb = zipfile.ZipInfo("records.jsonl")
    bomb.compress_type = zipfile.ZIP_DEFLATED
    entries = [e for e in entries_of(production) if e[0] != "records.jsonl"]
    found = check(tmp_path, zip_of([*entries, (bomb, b"\0" * (50 << 20))]))
    assert any("refused as a zip bomb" in line for line in found), found


def test_an_entry_whose_bytes_do_not_match_its_crc_is_a_clean_mismatch(
    production: Path, tmp_path: Path
) -> None:
    data = bytearray(zip_of(entries_of(production)))
    letter = (production / "letter.md").read_bytes()
    at = data.index(letter[:40])
    data[at] ^= 0xFF
    found = check(tmp_path, bytes(data))
    assert any("damaged entry" in line or "letter.md" in line for line in found), found


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x05\x06" + b"\0" * 18])
def test_what_is_not_a_zip_is_a_mismatch(tmp_path: Path, content: bytes) -> None:
    found = check(tmp_path, content)
    assert found[0].startswith(f"{tmp_path / 'hostile.zip'}: ") or found == [
        "manifest.json: is missing"
    ]


def test_a_zip_without_a_manifest_names_it(production: Path, tmp_path: Path) -> None:
    entries = [e for e in entries_of(production) if e[0] != "manifest.json"]
    assert check(tmp_path, zip_of(entries)) == ["manifest.json: is missing"]


def test_too_many_entries_are_refused_before_reading_any(tmp_path: Path) -> None:
    found = check(tmp_path, zip_of([(f"f{i}.md", b"") for i in range(100)]))
    assert found == [f"{tmp_path / 'hostile.zip'}: holds 100 entries; a production has a handful"]


# --- the command line --------------------------------------------------------------------


def test_bundle_then_verify_the_zip_from_the_command_line(
    production: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "delivery" / "p.zip"
    assert main(["bundle", str(production), "--out", str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"bundled {production} into {out}: 4 records")
    assert main(["verify", str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"intact: {out} holds 4 records for REQ-1")
    assert main(["bundle", str(production), "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_bundle_of_a_damaged_production_is_exit_4(
    production: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (production / "extra.txt").write_text("x")
    assert main(["bundle", str(production), "--out", str(tmp_path / "p.zip")]) == 4
    assert "extra.txt: is not listed in the manifest" in capsys.readouterr().err


def test_verify_of_a_tampered_zip_is_exit_4(
    production: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = zip_of(
        [(n, d.replace(b"203.0.113.7", b"203.0.113.8")) for n, d in entries_of(production)]
    )
    path = tmp_path / "t.zip"
    path.write_bytes(data)
    assert main(["verify", str(path)]) == 4
    printed = capsys.readouterr().out
    assert "merkle_root" in printed
    assert hashlib.sha256(data).hexdigest() not in printed


def test_verify_of_nothing_is_exit_4(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(tmp_path / "missing")]) == 4
    assert "is neither a production directory nor a zip file" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"flag_bits": 0x1}, "is encrypted"),
        ({"compress_type": zipfile.ZIP_LZMA}, "uses a compression method dueprocess does not read"),
        ({"external_attr": (stat.S_IFDIR | 0o755) << 16}, "is not a regular file"),
    ],
)
def test_entries_dueprocess_does_not_read_are_named(change: dict[str, int], problem: str) -> None:
    from dueprocess.adapters._bundle import _unsafe

    info = zipfile.ZipInfo("letter.md")
    for name, value in change.items():
        setattr(info, name, value)
    assert (_unsafe(info, set()) or "").startswith(problem)


def test_a_manifest_entry_over_16_mib_is_not_read(production: Path, tmp_path: Path) -> None:
    huge = zipfile.ZipInfo("manifest.json")
    huge.compress_type = zipfile.ZIP_DEFLATED
    entries = [e for e in entries_of(production) if e[0] != "manifest.json"]
    found = check(tmp_path, zip_of([*entries, (huge, b" " * (17 << 20))]))
    assert any(
        line.startswith(("manifest.json: larger than 16 MiB", "manifest.json: expands"))
        for line in found
    ), found


def test_the_zip_may_not_be_written_into_the_production(production: Path) -> None:
    with pytest.raises(StoreError, match="inside the production"):
        bundle_production(production, production / "p.zip")
    assert verify_directory(production).ok


@pytest.fixture(scope="module")
def bundle_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    where = tmp_path_factory.mktemp("bundle")
    bundle_production(make_production(where / "p"), where / "p.zip")
    return (where / "p.zip").read_bytes()


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_damaged_zip_is_reported_never_raised(
    bundle_bytes: bytes, tmp_path: Path, data: st.DataObject
) -> None:
    damaged = bytearray(bundle_bytes)
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(damaged) - 1))
        damaged[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(damaged)))
    path = tmp_path / "damaged.zip"
    path.write_bytes(bytes(damaged[:cut]) if data.draw(st.booleans()) else bytes(damaged))
    result = verify_bundle(path)
    assert all(isinstance(str(mismatch), str) for mismatch in result.mismatches)
    if path.read_bytes() != bundle_bytes and result.ok:
        # Only bytes no check depends on (a time, a version field) may change unnoticed:
        # every file of the production still reads back exactly.
        with zipfile.ZipFile(path) as archive:
            for name in FILES:
                assert archive.read(name) == zipfile.ZipFile(io.BytesIO(bundle_bytes)).read(name)


def test_the_delivery_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    import runpy

    from ..support import EXAMPLES

    runpy.run_path(str(EXAMPLES / "deliver_to_court.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "  done: 745 records" in out
    assert "the zip verifies against the request's review: True" in out
    assert "a 30-day policy changes 5 of 6 example requests:" in out
