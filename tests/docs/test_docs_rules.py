"""The rule reference in the docs is generated from the rule tables and misses nothing."""

from __future__ import annotations

import html
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import attrs
import pytest

from dueprocess import DEFAULT_POLICY, Category, ProcessKind
from dueprocess._review._rules import tables as T

from ..support import ROOT

DOCS = ROOT / "docs"
EXT = DOCS / "_ext"


def _load_extension() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rule_reference", EXT / "rule_reference.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


rule_reference = _load_extension()


def _plain(markdown: str) -> str:
    """The Markdown's text with links, HTML tags and backslash escapes undone and white
    space made single."""
    markdown = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    markdown = re.sub(r"<code[^>]*>(.*?)</code>", r"`\1`", markdown)
    markdown = re.sub(r"<[^>]+>", "", markdown)
    return " ".join(re.sub(r"\\(.)", r"\1", markdown).split())


def _every_citation() -> set[str]:
    citations = {rule.citation for rule in T.FINDINGS.values()}
    citations |= {
        cell.citation for column in T.PROCESS_CATEGORIES.values() for cell in column.values()
    }
    citations |= {term.citation for term in T.PRESERVATION_TERMS.values()}
    citations |= set(T.EU_COMPETENT_CITATION.values())
    citations.add(T.EMERGENCY_CITATION)
    citations |= {row.statute for row in T.AUTHORITY_SCOPES}
    citations |= {
        cell.citation for column in T.NO_PRODUCTION_CELLS.values() for cell in column.values()
    }
    citations |= {territory.citation for territory in T.US_TERRITORIES}
    for state in T.STATE_RULES.values():
        citations |= {cell.citation for cell in state.cells.values()}
        citations |= {state.warrant_citation} - {None}  # type: ignore[arg-type]
    citations |= {agreement.citation for agreement in T.CLOUD_ACT_AGREEMENTS.values()}
    citations |= {judicial.citation for judicial in T.JUDICIAL_KINDS.values()}
    citations |= {offence.citation for offence in T.EU_LISTED_OFFENCES}
    citations.add(T.COURT_CHALLENGE_CITATION)
    return citations


def _every_value() -> set[str]:
    """Every code, kind, domain, country and name the tables hold."""
    values = set(T.FINDINGS)
    values |= {rule.effect.value for rule in T.FINDINGS.values()}
    values |= {kind.value for kind in ProcessKind}
    values |= {category.value for category in Category}
    values |= set(T.GOVERNMENT_DOMAINS) | set(T.FREE_MAIL_DOMAINS) | set(T.EU_MEMBER_STATES)
    values |= set(T.REQUIRED_NAMES) | set(T.REQUIRED_NAMES.values())
    values |= set(T.PROCESS_NAMES.values()) | set(T.CATEGORY_NAMES.values())
    values |= {cell.required for col in T.PROCESS_CATEGORIES.values() for cell in col.values()} - {
        None
    }
    values |= {field.name for field in attrs.fields(type(DEFAULT_POLICY))}
    values |= {territory.code for territory in T.US_TERRITORIES}
    values |= set(T.STATE_RULES) | {state.name for state in T.STATE_RULES.values()}
    values |= {a.name for a in T.CLOUD_ACT_AGREEMENTS.values()}
    values |= {a.in_force.isoformat() for a in T.CLOUD_ACT_AGREEMENTS.values()}
    values |= {offence.area.value for offence in T.EU_LISTED_OFFENCES}
    values |= {row.instrument for row in T.AUTHORITY_SCOPES}
    return values


def _whole_reference() -> str:
    return _plain(rule_reference.render_document((DOCS / "rules.md").read_text("utf-8")))


def test_rules_page_contains_every_finding_code_with_its_effect_and_citation() -> None:
    findings = _plain(rule_reference.render("findings"))
    for code, rule in T.FINDINGS.items():
        row = f"| `{code}` | `{rule.effect.value}` | {rule.citation} |"
        assert row in findings, code


def test_rules_page_contains_every_citation_of_the_tables() -> None:
    reference = _whole_reference()
    missing = sorted(citation for citation in _every_citation() if citation not in reference)
    assert missing == []


def test_rules_page_contains_every_code_kind_domain_and_policy_field() -> None:
    reference = _whole_reference()
    missing = sorted(value for value in _every_value() if value not in reference)
    assert missing == []


def test_rules_page_lists_every_cell_of_the_process_table_under_its_kind() -> None:
    rendered = rule_reference.render("process-categories")
    columns = {**T.PROCESS_CATEGORIES, **getattr(T, "NO_PRODUCTION_CELLS", {})}
    for kind, column in columns.items():
        # Each kind's table starts at its anchor and ends at the next heading.
        start = rendered.index(f"(kind-{kind.value})=")
        section = _plain(rendered[start:].split("\n### ", 2)[1])
        for category, cell in column.items():
            row = f"| `{category.value}` | `{cell.decision.value}` |"
            assert row in section, (kind, category)
            assert cell.citation in section, (kind, category)


def test_the_process_grid_has_a_row_per_kind_and_a_coloured_cell_per_category() -> None:
    grid = rule_reference.render("process-matrix")
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", grid)
    assert len(rows) == len(ProcessKind)
    for kind, row in zip(ProcessKind, rows, strict=True):
        assert f"<code>{kind.value}</code>" in row
        cells = re.findall(r'<td class="dp-([a-z/]+)"(?: colspan="(\d)")?>([a-z/]+)', row)
        decisions = [(colour, word) for colour, span, word in cells for _ in range(int(span or 1))]
        assert len(decisions) == len(Category), kind
        # The colour class always matches the word shown.
        assert all(colour == word for colour, word in decisions), kind
        if kind in T.PROCESS_CATEGORIES:
            expected = [T.PROCESS_CATEGORIES[kind][c].decision.value for c in Category]
            assert [word for _, word in decisions] == expected, kind


def test_every_finding_code_has_an_anchor_and_cells_link_to_it() -> None:
    findings = rule_reference.render("findings")
    for code in T.FINDINGS:
        assert f'<span id="finding-{code}"></span>' in findings, code
    links = set(re.findall(r'href="#(finding-[^"]+)"', rule_reference.render("process-categories")))
    assert links
    assert links <= {f"finding-{code}" for code in T.FINDINGS}


def test_statute_citations_link_to_their_official_text() -> None:
    cell = rule_reference.cite("18 U.S.C. 2703(c)(2)(C),(E); Regulation (EU) 2023/1543, Art. 4")
    assert "[18 U.S.C. 2703](https://www.law.cornell.edu/uscode/text/18/2703)(c)" in cell
    assert "[Regulation (EU) 2023/1543](https://eur-lex.europa.eu/eli/reg/2023/1543/oj)" in cell
    assert rule_reference.cite("Platform policy") == "Platform policy"


def test_no_two_headings_of_the_rules_page_share_an_anchor() -> None:
    page = rule_reference.render_document((DOCS / "rules.md").read_text("utf-8"))
    titles = [
        re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
        for line in page.splitlines()
        if re.match(r"#{1,3} ", line)
    ]
    assert len(titles) == len(set(titles)), sorted(t for t in titles if titles.count(t) > 1)


def test_the_pages_use_every_generated_section_and_no_unknown_one() -> None:
    used: set[str] = set()
    for page in sorted(DOCS.glob("*.md")):
        source = page.read_text("utf-8")
        used |= {match.group("name") for match in rule_reference.MARKER.finditer(source)}
        assert rule_reference.MARKER.search(rule_reference.render_document(source)) is None
    assert used == set(rule_reference.SECTIONS)


def test_the_concepts_page_shows_every_transition_of_the_case_lifecycle() -> None:
    from dueprocess.cases import TRANSITIONS

    source = (DOCS / "concepts.md").read_text("utf-8")
    transitions = _plain(rule_reference.render_document(source))
    for (state, action, outcome, condition), target in TRANSITIONS.items():
        start = f"`{state.value}`" if state is not None else "(no case yet)"
        picks = [f"`{value.value}`" if value is not None else "—" for value in (outcome, condition)]
        row = f"| {start} | `{action.value}` | {picks[0]} | {picks[1]} | `{target.value}` |"
        assert row in transitions, (state, action, outcome, condition)


def test_an_unknown_section_marker_fails_the_build() -> None:
    with pytest.raises(ValueError, match="unknown rule-reference section 'nonsense'"):
        rule_reference.render_document("# Rules\n\n% rule-reference: nonsense\n")


def test_table_cells_escape_markdown_so_a_pipe_cannot_split_a_row() -> None:
    row = rule_reference.table(["a", "b"], [[rule_reference.text("x | *y* _z_"), "ok"]])
    assert row.splitlines()[-1] == r"| x \| \*y\* \_z\_ | ok |"


def test_substitutions_quote_the_default_policy() -> None:
    numbers = rule_reference.substitutions()
    assert numbers["notice_hold_days"] == str(DEFAULT_POLICY.notice_hold_days)
    assert numbers["max_period_days"] == str(DEFAULT_POLICY.max_period_days)
    assert numbers["finding_count"] == str(len(T.FINDINGS))
    assert "indefinite_gag_days" not in numbers  # v2: a gag without end binds until lifted


def test_every_state_rule_and_agreement_row_is_shown_with_its_source() -> None:
    reference = _plain(rule_reference.render("jurisdictions"))
    for state in T.STATE_RULES.values():
        for category, cell in state.cells.items():
            assert f"| `{state.jurisdiction}` |" in reference
            assert f"| `{category.value}` |" in reference
            assert cell.citation in reference
    for agreement in T.CLOUD_ACT_AGREEMENTS.values():
        row = f"| `{agreement.country}` | {agreement.name} | {agreement.in_force.isoformat()} |"
        assert row in reference, agreement


def test_the_never_table_names_exactly_the_invariant_tests() -> None:
    page = (DOCS / "rules.md").read_text("utf-8")
    section = page.split("## What this engine never does", 1)[1]
    named = set(re.findall(r"\| `(test_[a-z_]+)` \|", section))
    source = (ROOT / "tests" / "review" / "test_invariants.py").read_text("utf-8")
    defined = set(re.findall(r"^def (test_[a-z_]+)\(", source, re.MULTILINE))
    assert named
    assert named <= defined
    # Every invariant test is in the table, except the ones about the enumeration itself.
    assert defined - named == {
        "test_the_space_is_the_whole_product",
        "test_future_periods_release_nothing",
    }


# Sphinx's and MyST's own deprecations are not the rule reference's concern.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
def test_the_built_rules_page_shows_every_code_and_citation(tmp_path: Path) -> None:
    """Build the page with Sphinx and MyST and read the HTML, as a reader would."""
    pytest.importorskip("myst_parser")
    application = pytest.importorskip("sphinx.application")
    source = tmp_path / "source"
    source.mkdir()
    (source / "rules.md").write_text((DOCS / "rules.md").read_text("utf-8"), "utf-8")
    (source / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(EXT)!r})\n"
        "extensions = ['myst_parser', 'rule_reference']\n"
        "myst_enable_extensions = ['colon_fence', 'deflist', 'substitution']\n"
        "myst_heading_anchors = 3\n"
        "root_doc = 'rules'\n",
        "utf-8",
    )
    sys.modules.pop("rule_reference", None)
    app = application.Sphinx(
        str(source),
        str(source),
        str(tmp_path / "html"),
        str(tmp_path / "doctrees"),
        "html",
        status=None,
        warning=None,
        freshenv=True,
    )
    app.build(force_all=True)
    page = (tmp_path / "html" / "rules.html").read_text("utf-8")
    page = re.sub(r"</?(a|span|code|em)\b[^>]*>", "", page)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    # Sphinx's smart quotes print an apostrophe as a typographic one.
    text = re.sub(r" ([,)])", r"\1", text).replace("\u2019", "'")
    missing = sorted(value for value in _every_citation() | set(T.FINDINGS) if value not in text)
    assert missing == []
    assert "{{" not in text
    assert "rule-reference:" not in text


def test_every_section_links_the_statutes_in_its_tables_but_not_inside_code() -> None:
    scopes = rule_reference.render("authority-scopes")
    assert "[19 U.S.C. 1509](https://www.law.cornell.edu/uscode/text/19/1509)" in scopes
    row = rule_reference.link_citations("| `18 U.S.C. 2703` | 18 U.S.C. 2703(d) |")
    link = "[18 U.S.C. 2703](https://www.law.cornell.edu/uscode/text/18/2703)"
    assert row == f"| `18 U.S.C. 2703` | {link}(d) |"


def test_the_rules_page_links_statutes_in_its_running_text_but_not_in_code() -> None:
    page = rule_reference.link_prose((DOCS / "rules.md").read_text("utf-8"))
    assert "[18 U.S.C. 2702](https://www.law.cornell.edu/uscode/text/18/2702)(a)" in page
    assert rule_reference.link_prose("```\n18 U.S.C. 2702\n```") == "```\n18 U.S.C. 2702\n```"
    assert rule_reference.link_prose("see `18 U.S.C. 2702`") == "see `18 U.S.C. 2702`"


def test_finding_codes_in_the_running_text_link_to_their_rows() -> None:
    line = rule_reference.link_prose("gives `requester.free_email` (`reject`)")
    assert 'href="#finding-requester.free_email"' in line
    assert "`reject`" in line
