"""certificate.md: the 902(13)/(14) certification and the template a platform adapts."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest

from dueprocess import CERTIFICATE_TEMPLATE, produce, verify
from dueprocess.parts import check_certificate_template
from dueprocess.testing import MemorySink, MemoryStore

from ..production_support import PRODUCED_AT, login, make_review, subscriber


def store() -> MemoryStore:
    return MemoryStore.of([subscriber("100001"), login("100001", "2017-01-10T00:00:00")])


def production(**options: Any) -> tuple[object, MemorySink]:
    sink = MemorySink()
    manifest = produce(make_review(), store(), sink, produced_at=PRODUCED_AT, **options)
    return manifest, sink


def test_the_certificate_states_the_sha256_of_every_file_before_it_and_the_root() -> None:
    _, sink = production()
    text = sink.files["certificate.md"].decode()
    section = text[text.index("## Certification of electronic records") :]
    assert "902(13)" in section
    assert "902(14)" in section
    assert "SHA-256 (FIPS 180-4)" in section
    stated = dict(re.findall(r"^\| (\S+) \(\d+ bytes\) \| `([0-9a-f]{64})` \|$", section, re.M))
    # A court holding the files recomputes each digest and finds the one stated.
    assert stated == {
        name: hashlib.sha256(sink.files[name]).hexdigest()
        for name in ("records.jsonl", "letter.md")
    }
    manifest = sink.files["manifest.json"].decode()
    root = re.search(r'"merkle_root": "([0-9a-f]{64})"', manifest)
    assert root is not None
    assert f"`{root.group(1)}`" in section
    assert "dueprocess " in section


def test_a_platform_s_own_template_is_used_and_the_production_still_verifies() -> None:
    template = CERTIFICATE_TEMPLATE.replace(
        "# Certificate of Authenticity of Business Records",
        "# Example Corp. Certificate\n\nFees: $$0",
    )
    _, sink = production(certificate_template=template, custodian="Pat Example")
    text = sink.files["certificate.md"].decode()
    assert text.startswith("# Example Corp. Certificate\n\nFees: $0\n")
    assert text.rstrip().endswith("Pat Example")
    files = {name: data for name, data in sink.files.items() if name != "manifest.json"}
    assert verify(sink.files["manifest.json"], files).ok


def test_a_minimal_template_with_the_required_rows_verifies() -> None:
    _, sink = production(certificate_template="${request_rows}\n${records_rows}\n")
    files = {name: data for name, data in sink.files.items() if name != "manifest.json"}
    assert verify(sink.files["manifest.json"], files).ok


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("${records_rows}", r"missing \$\{request_rows\}"),
        ("${request_rows} ${records_rows} $signer", r"unknown placeholder \$signer"),
        ("${request_rows} ${records_rows} costs $5", "a lone \\$ at character 39"),
    ],
)
def test_a_bad_template_is_refused_before_anything_is_read_or_written(
    template: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        check_certificate_template(template)
    sink = MemorySink()
    with pytest.raises(ValueError, match=message):
        produce(
            make_review(), store(), sink, produced_at=PRODUCED_AT, certificate_template=template
        )
    assert sink.files == {}
    assert not sink.committed


def test_the_cli_takes_a_certificate_template(
    tmp_path: Path, imported_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from dueprocess._cli import main

    from ..production_support import request_file

    good = tmp_path / "cert.md"
    good.write_text("# Our certificate\n${request_rows}\n${records_rows}\n", encoding="utf-8")
    bad = tmp_path / "bad.md"
    bad.write_text("# Ours\n$who\n", encoding="utf-8")
    request = request_file(tmp_path)
    out = tmp_path / "out"
    base = ["produce", request, "--store", imported_store, "--quiet", "--certificate-template"]
    capsys.readouterr()
    assert main([*base, str(bad), "--out", str(tmp_path / "no")]) == 2
    assert "unknown placeholder $who" in capsys.readouterr().err
    assert not (tmp_path / "no").exists()
    assert main([*base, str(good), "--out", str(out)]) == 0
    assert (out / "certificate.md").read_text().startswith("# Our certificate\n")
    assert main(["verify", str(out)]) == 0


def test_the_phrase_the_docs_replace_is_in_the_template() -> None:
    from ..support import ROOT

    page = (ROOT / "docs" / "concepts.md").read_text("utf-8")
    assert '"the provider\'s production systems"' in page
    assert "the provider's production systems" in CERTIFICATE_TEMPLATE.replace("\\\n", "")
    for name in re.findall(r"`\$\{(\w+)\}`", page):
        check_certificate_template("${request_rows}${records_rows}${" + name + "}")
