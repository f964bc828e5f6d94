"""The rule reference, generated from dueprocess's own rule tables.

A page (``docs/rules.md``, ``docs/concepts.md``) holds markers, each alone on a line::

    % rule-reference: findings

(``%`` starts a comment in MyST, so without this extension a marker shows nothing.) When
Sphinx reads a page, every marker is replaced by the Markdown that :func:`render` makes
from ``dueprocess._review._rules.tables`` and ``dueprocess.DEFAULT_POLICY``, so the reference
cannot drift from the code: a new finding code, citation or domain appears in the next
build. An unknown marker name fails the build.

Numbers used in prose (``{{ notice_hold_days }}``) come from :func:`substitutions`,
through MyST's ``substitution`` extension.

Nothing here imports Sphinx at module level: ``tests/docs/test_docs_rules.py`` calls
:func:`render` directly.
"""

from __future__ import annotations

import argparse
import html
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

import dueprocess
from dueprocess import DEFAULT_POLICY, Category, Decision, ProcessKind
from dueprocess._review._rules import tables as T

__all__ = ["MARKER", "SECTIONS", "render", "render_document", "setup", "substitutions"]

MARKER = re.compile(r"^% rule-reference: (?P<name>[a-z0-9-]+)[ \t]*$", re.MULTILINE)

# The groups of the findings table, by the code's prefix. Titles differ from the page's
# section titles, so no two headings share an anchor.
GROUPS: Mapping[str, str] = {
    "requester": "Findings about who sent it",
    "process": "Findings about the instrument",
    "basis": "Findings about the instrument",
    "purpose": "Findings about what it is for",
    "target": "Findings about whose data",
    "scope": "Findings about how much",
    "category": "Findings about each category",
    "emergency": "Findings about emergencies",
    "preservation": "Findings about preservation",
    "eu": "Findings about European orders",
    "cloud_act": "Findings about orders under CLOUD Act agreements",
    "nondisclosure": "Findings about telling the user",
}

# Official text of the sources the tables cite: links only, nothing is fetched.
CITATION_LINKS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(r"\b(\d+) U\.S\.C\. (?:§ ?)?(\d+[a-z]?)"),
        lambda m: f"https://www.law.cornell.edu/uscode/text/{m.group(1)}/{m.group(2)}",
    ),
    (
        re.compile(r"\b(\d+) CFR (\d+)\.(\d+)"),
        lambda m: f"https://www.law.cornell.edu/cfr/text/{m.group(1)}/{m.group(2)}.{m.group(3)}",
    ),
    (
        re.compile(r"Regulation \(EU\) (\d{4})/(\d+)"),
        lambda m: f"https://eur-lex.europa.eu/eli/reg/{m.group(1)}/{m.group(2)}/oj",
    ),
    (
        re.compile(r"Directive \(EU\) (\d{4})/(\d+)"),
        lambda m: f"https://eur-lex.europa.eu/eli/dir/{m.group(1)}/{m.group(2)}/oj",
    ),
    (
        re.compile(r"Fed\. R\. Crim\. P\. (\d+)"),
        lambda m: f"https://www.law.cornell.edu/rules/frcrmp/rule_{m.group(1)}",
    ),
    (
        re.compile(r"Fed\. R\. Evid\. (\d+)"),
        lambda m: f"https://www.law.cornell.edu/rules/fre/rule_{m.group(1)}",
    ),
    (
        re.compile(r"U\.S\. Const\. amend\. IV"),
        lambda m: "https://www.law.cornell.edu/constitution/fourth_amendment",
    ),
    (
        re.compile(r"Carpenter v\. United States"),
        lambda m: "https://www.law.cornell.edu/supremecourt/text/16-402",
    ),
)


def _link(markdown: str) -> str:
    """Markdown text with each statute it names linked to its official text."""
    spans: list[tuple[int, int, str]] = []
    for pattern, url in CITATION_LINKS:
        for match in pattern.finditer(markdown):
            if not any(start < match.end() and match.start() < end for start, end, _ in spans):
                spans.append((match.start(), match.end(), url(match)))
    out, last = [], 0
    for start, end, url in sorted(spans):
        out.append(markdown[last:start])
        out.append(f"[{markdown[start:end]}]({url})")
        last = end
    out.append(markdown[last:])
    return "".join(out)


def cite(value: object) -> str:
    """A citation for a Markdown table cell: escaped, each statute linked to its text."""
    return _link(text(value))


# Code spans, links and HTML tags of a rendered table keep their text as it is.
_PROTECTED = re.compile(r"(`[^`]*`|\[[^\]]*\]\([^)]*\)|<[^>]+>)")


def link_citations(markdown: str) -> str:
    """Every table row of *markdown* with its statutes linked, outside code and links.

    Applied to every section, so a table added to the rule reference links its sources
    without asking.
    """
    lines = []
    for line in markdown.split("\n"):
        if line.startswith("|") and not set(line) <= set("|-: "):
            parts = _PROTECTED.split(line)
            line = "".join(part if i % 2 else _link(part) for i, part in enumerate(parts))
        lines.append(line)
    return "\n".join(lines)


def anchor(name: str) -> str:
    """The HTML anchor of a finding code: ``rules.html#finding-requester.free_email``."""
    return f"finding-{name}"


_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#!~$])")


def text(value: object) -> str:
    """Plain text for a Markdown table cell: Markdown's special characters escaped."""
    return _SPECIAL.sub(r"\\\1", str(value)).replace("\n", " ")


def code(value: object) -> str:
    """Inline code for a Markdown table cell."""
    body = str(value).replace("|", "\\|")
    return f"`{body}`"


def table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """A pipe table; every cell is already Markdown."""
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _codes(values: Iterable[object]) -> str:
    return ", ".join(code(value) for value in values) or "—"


def _kinds(kinds: Iterable[ProcessKind]) -> list[ProcessKind]:
    """Kinds in the order of the request format."""
    chosen = set(kinds)
    return [kind for kind in ProcessKind if kind in chosen]


def _categories(categories: Iterable[Category]) -> list[Category]:
    chosen = set(categories)
    return [category for category in Category if category in chosen]


def _ordered(members: Iterable[Any]) -> list[Any]:
    """Enum members in their declaration order (the format's order)."""
    return sorted(members, key=lambda member: list(type(member)).index(member))


# --- sections -------------------------------------------------------------------------


def findings() -> str:
    """Every finding code with its anchor, effect and source, grouped by the code's prefix."""
    groups: dict[str, list[tuple[str, T.FindingRule]]] = {}
    for name, rule in T.FINDINGS.items():
        title = GROUPS.get(name.split(".", 1)[0], name.split(".", 1)[0])
        groups.setdefault(title, []).append((name, rule))
    parts = []
    for title, rules in groups.items():
        rows = [
            [
                f'<span id="{anchor(name)}"></span>{code(name)}',
                code(rule.effect.value),
                cite(rule.citation),
            ]
            for name, rule in rules
        ]
        parts.append(f"### {title}\n\n" + table(["code", "effect", "source"], rows))
    return "\n\n".join(parts)


def _cell(cell: T.Cell) -> str:
    if cell.decision is Decision.LIMITED:
        return f"limited: {', '.join(cell.fields or ())}"
    if cell.required:
        return f"withhold (needs `{cell.required}`)"
    return cell.decision.value


def _grid_cell(decision: str, note: str = "", span: int = 1) -> str:
    extra = f'<br><span class="dp-need">{html.escape(note)}</span>' if note else ""
    colspan = f' colspan="{span}"' if span > 1 else ""
    return f'<td class="dp-{decision}"{colspan}>{html.escape(decision)}{extra}</td>'


def _grid_row(kind: ProcessKind) -> list[str]:
    """The five cells of one kind: what the review decides for each category."""
    if kind in T.PROCESS_CATEGORIES:
        cells = []
        for category in Category:
            cell = T.PROCESS_CATEGORIES[kind][category]
            note = ""
            if cell.decision is Decision.LIMITED:
                note = ", ".join(cell.fields or ())
            elif cell.required:
                note = f"needs {cell.required}"
            cells.append(_grid_cell(cell.decision.value, note))
        return cells
    # A kind that treats every category alike gets one cell across the five.
    if kind in T.NO_PRODUCTION_KINDS:
        note = "every category: the request is escalated or rejected (see its finding)"
        return [_grid_cell("withhold", note, span=len(Category))]
    if kind in T.PRESERVATION_TERMS:
        note = "every requested category is kept; nothing is released"
        return [_grid_cell("preserve", note, span=len(Category))]
    if kind is ProcessKind.EMERGENCY_REQUEST:
        return [
            _grid_cell("disclose", "in an emergency")
            if category in T.EMERGENCY_CATEGORIES
            else _grid_cell("withhold", "needs legal process")
            for category in Category
        ]
    if kind is ProcessKind.EU_PRODUCTION_ORDER:
        note = "every category the Regulation's rules allow (below)"
        return [_grid_cell("disclose", note, span=len(Category))]
    return [_grid_cell("n/a") for _ in Category]


def process_matrix() -> str:
    """Process kinds as rows, the five categories as columns, coloured by decision."""
    head = "".join(f"<th><code>{c.value}</code></th>" for c in Category)
    rows = []
    for kind in ProcessKind:
        href = f"#kind-{kind.value}" if kind in _columns() else "#process-kinds"
        name = f'<th scope="row"><a href="{href}"><code>{kind.value}</code></a></th>'
        rows.append(f"<tr>{name}{''.join(_grid_row(kind))}</tr>")
    legend = " ".join(
        f'<span class="dp-key dp-{decision}">{decision}</span>'
        for decision in ("disclose", "limited", "withhold", "preserve")
    )
    return (
        '<div class="dp-grid-wrap"><table class="dp-grid">'
        f"<thead><tr><th>process ↓ / category →</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        f'<p class="dp-legend">{legend}</p></div>'
    )


def _columns() -> Mapping[ProcessKind, Mapping[Category, T.Cell]]:
    """Every kind with cells of its own: the process table, and any cells the tables give
    a kind that releases nothing (``NO_PRODUCTION_CELLS``, where present)."""
    columns = dict(T.PROCESS_CATEGORIES)
    columns.update(getattr(T, "NO_PRODUCTION_CELLS", {}))
    return columns


def _kind_groups() -> list[tuple[list[ProcessKind], Mapping[Category, T.Cell]]]:
    """Kinds that share one column of the process table, in the kinds' order."""
    groups: list[tuple[list[ProcessKind], Mapping[Category, T.Cell]]] = []
    columns = _columns()
    for kind in _kinds(columns):
        column = columns[kind]
        for kinds, seen in groups:
            if seen == column:
                kinds.append(kind)
                break
        else:
            groups.append(([kind], column))
    return groups


def process_categories() -> str:
    """One table per process kind (kinds sharing a column share a table): every cell with
    its finding and its source."""
    parts = []
    for kinds, column in _kind_groups():
        targets = "\n".join(f"({_kind_anchor(kind)})=" for kind in kinds)
        title = ", ".join(T.PROCESS_NAMES[kind] for kind in kinds)
        names = ", ".join(code(kind.value) for kind in kinds)
        # The fields column only where some category is limited to some fields.
        limited = any(cell.fields for cell in column.values())
        rows = [
            [
                code(category.value),
                code(cell.decision.value),
                *([_codes(cell.fields or ()) if cell.fields else "—"] if limited else []),
                code(cell.required) if cell.required else "—",
                _finding_link(cell.code) if cell.code else "—",
                cite(cell.citation),
            ]
            for category, cell in column.items()
        ]
        header = ["category", "decision", *(["fields"] if limited else []), "required"]
        header += ["finding", "source"]
        parts.append(
            f"{targets}\n### {text(title[0].upper() + title[1:])}\n\n{names}\n\n"
            + table(header, rows)
        )
    return "\n\n".join(parts)


def _kind_anchor(kind: ProcessKind) -> str:
    return f"kind-{kind.value}"


def _finding_link(name: str) -> str:
    # Raw HTML: the anchor is an id in a table cell, which Sphinx does not know as a target.
    escaped = html.escape(name)
    return f'<a href="#{anchor(name)}"><code class="docutils literal">{escaped}</code></a>'


def emergency() -> str:
    """What an emergency request releases by default."""
    return table(
        ["released in an emergency (policy default)", "source"],
        [
            [
                _codes(category.value for category in _categories(T.EMERGENCY_CATEGORIES)),
                text(T.EMERGENCY_CITATION),
            ]
        ],
    )


def kinds() -> str:
    """Every process kind and the kind lists the rules read."""
    rows = []
    for kind in ProcessKind:
        rows.append(
            [
                code(kind.value),
                text(T.PROCESS_NAMES[kind]),
                "yes" if kind in T.US_KINDS else "no",
                "yes" if kind in T.CRIMINAL_ONLY_KINDS else "no",
                "yes" if kind in T.NO_PRODUCTION_KINDS else "no",
                f"[yes](#kind-{kind.value})" if kind in _columns() else "—",
                "yes" if kind in T.PRESERVATION_TERMS else "no",
            ]
        )
    header = ["kind", "name in letters", "US", "criminal only", "releases nothing"]
    header += ["own table", "preserves"]
    legend = (
        "*US*: in `US_KINDS`; *criminal only*: in `CRIMINAL_ONLY_KINDS`; *releases nothing*:"
        " in `NO_PRODUCTION_KINDS`; *own table*: a column of the process table, shown above;"
        " *preserves*: has a preservation term."
    )
    return table(header, rows) + "\n\n" + legend


def categories() -> str:
    """The data categories and their names in letters."""
    rows = [[code(c.value), text(T.CATEGORY_NAMES[c])] for c in Category]
    return table(["category", "name in letters"], rows)


def required() -> str:
    """The values of a category's ``required`` and what the letter calls them."""
    rows = [[code(name), text(words)] for name, words in T.REQUIRED_NAMES.items()]
    return table(["`required`", "the letter asks for"], rows)


def authority_scopes() -> str:
    """Statutes and the investigation areas each may serve."""
    rows = [
        [text(row.statute), text(row.instrument), _codes(area.value for area in row.areas)]
        for row in T.AUTHORITY_SCOPES
    ]
    return table(["statute cited in `authority`", "instrument", "allowed `area`s"], rows)


def jurisdictions() -> str:
    """US territories, state rules and CLOUD Act agreements: one row each, with its source."""
    territories = table(
        ["`jurisdiction`", "territory", "treated as the US because"],
        [[code(t.code), text(t.name), text(t.citation)] for t in T.US_TERRITORIES],
    )
    states = []
    for state in T.STATE_RULES.values():
        kinds = _codes(kind.value for kind in _kinds(state.kinds))
        for category in _categories(state.cells):
            cell = state.cells[category]
            effect = (
                f"limited: {', '.join(cell.fields)}"
                if cell.fields is not None
                else f"withhold (needs `{cell.required}`)"
            )
            states.append(
                [code(state.jurisdiction), text(state.name), kinds, code(category.value), effect,
                 text(cell.citation)]
            )  # fmt: skip
        if state.warrant_service_days is not None:
            states.append(
                [code(state.jurisdiction), text(state.name), code("search_warrant"), "—",
                 f"served within {state.warrant_service_days} days of issue",
                 text(state.warrant_citation or "")]
            )  # fmt: skip
    state_table = table(["`jurisdiction`", "law", "process", "category", "rule", "source"], states)
    agreements = table(
        ["country", "agreement", "in force from", "source"],
        [
            [code(a.country), text(a.name), a.in_force.isoformat(), text(a.citation)]
            for a in T.CLOUD_ACT_AGREEMENTS.values()
        ],
    )
    return (
        f"US territories (`US_TERRITORIES`):\n\n{territories}\n\n"
        f"State rules (`STATE_RULES`), for process from exactly that jurisdiction:\n\n"
        f"{state_table}\n\n"
        f"CLOUD Act agreements (`CLOUD_ACT_AGREEMENTS`; serious crime: at least "
        f"{T.CLOUD_ACT_MIN_YEARS} years):\n\n{agreements}"
    )


def judicial_kinds() -> str:
    """Kinds only a court may issue, and the findings a court's process escalates."""
    kinds_table = table(
        ["kind", "issuer must be", "source"],
        [
            [code(j.kind.value), _codes(role.value for role in _ordered(j.roles)), text(j.citation)]
            for j in T.JUDICIAL_KINDS.values()
        ],
    )
    challenged = table(
        ["finding", "effect when a court issued the process", "source"],
        [
            [code(name), code("escalate"), text(T.COURT_CHALLENGE_CITATION)]
            for name in T.FINDINGS
            if name in T.COURT_CHALLENGE_CODES
        ],
    )
    exempt = _codes(kind.value for kind in _kinds(T.PERIOD_EXEMPT_KINDS))
    return (
        f"Judicial kinds (`JUDICIAL_KINDS`):\n\n{kinds_table}\n\n"
        f"Rule 15 (`COURT_CHALLENGE_CODES`):\n\n{challenged}\n\n"
        f"Kinds that may reach records made after receipt (`PERIOD_EXEMPT_KINDS`): {exempt}."
    )


def domains() -> str:
    """Government and free mail domains."""
    return table(
        ["list", "domains"],
        [
            ["`GOVERNMENT_DOMAINS`", _codes(T.GOVERNMENT_DOMAINS)],
            ["`FREE_MAIL_DOMAINS`", _codes(T.FREE_MAIL_DOMAINS)],
        ],
    )


def eu() -> str:
    """The Regulation's member states, dates, competent issuers and thresholds."""
    competent = table(
        ["category", "may be ordered by (issuer or validator)", "source"],
        [
            [
                code(category.value),
                _codes(role.value for role in _ordered(roles)),
                text(T.EU_COMPETENT_CITATION[category]),
            ]
            for category, roles in T.EU_COMPETENT.items()
        ],
    )
    facts = table(
        ["rule", "value", "source"],
        [
            [
                "member states bound (`EU_MEMBER_STATES`)",
                _codes(sorted(T.EU_MEMBER_STATES)),
                _source("eu.not_member_state"),
            ],
            [
                "applies to orders received from (`EU_APPLICABLE_FROM`)",
                T.EU_APPLICABLE_FROM.isoformat(),
                _source("eu.not_yet_applicable"),
            ],
            [
                "emergency issuers without prior validation (`EU_EMERGENCY_ISSUERS`)",
                _codes(role.value for role in _ordered(T.EU_EMERGENCY_ISSUERS)),
                _source("eu.validation_pending"),
            ],
            [
                "categories they may order (`EU_IDENTIFYING`)",
                _codes(c.value for c in _categories(T.EU_IDENTIFYING)),
                _source("eu.validation_pending"),
            ],
            [
                "validation due within (`EU_VALIDATION_HOURS`)",
                f"{T.EU_VALIDATION_HOURS} hours",
                _source("eu.validation_pending"),
            ],
            [
                "minimum maximum sentence (`EU_OFFENCE_MIN_YEARS`)",
                f"{T.EU_OFFENCE_MIN_YEARS} years",
                _source("eu.offence_threshold"),
            ],
            [
                "categories under that threshold (`EU_THRESHOLD_CATEGORIES`)",
                _codes(c.value for c in _categories(T.EU_THRESHOLD_CATEGORIES)),
                _source("eu.offence_threshold"),
            ],
            [
                "preservation orders may be issued or validated by (`EU_PRESERVATION_COMPETENT`)",
                _codes(role.value for role in _ordered(T.EU_PRESERVATION_COMPETENT)),
                _source("eu.preservation_issuer_not_competent"),
            ],
            [
                "respond by (`EU_RESPOND`)",
                _duration(T.EU_RESPOND),
                text(f"{T.EU}, Art. 10"),
            ],
            [
                "respond by, in an emergency (`EU_RESPOND_EMERGENCY`)",
                _duration(T.EU_RESPOND_EMERGENCY),
                text(f"{T.EU}, Art. 10"),
            ],
        ],
    )
    listed = table(
        ["listed offence (`EU_LISTED_OFFENCES`)", "only when committed online", "source"],
        [
            [code(o.area.value), "yes" if o.online_only else "no", text(o.citation)]
            for o in T.EU_LISTED_OFFENCES
        ],
    )
    return (
        f"{facts}\n\nCompetent issuers (`EU_COMPETENT`):\n\n{competent}\n\n"
        f"Offences exempt from the threshold whatever the sentence:\n\n{listed}"
    )


def _source(finding: str) -> str:
    """The source of a finding's rule, as the tables cite it."""
    return text(T.FINDINGS[finding].citation)


def _duration(delta: Any) -> str:
    seconds = int(delta.total_seconds())
    if seconds % 86400 == 0:
        return f"{seconds // 86400} days after receipt"
    return f"{seconds // 3600} hours after receipt"


def preservation() -> str:
    """How long each preservation kind lasts and how often it may be renewed."""
    rows = [
        [
            code(kind.value),
            f"{term.days} days",
            f"{term.renewal_days} days",
            str(term.max_extensions),
            text(term.citation),
        ]
        for kind, term in T.PRESERVATION_TERMS.items()
    ]
    header = ["kind", "preserved for", "a renewal adds", "renewals allowed", "source"]
    return table(header, rows)


def _policy_value(value: object) -> str:
    if isinstance(value, frozenset):
        return _codes(getattr(item, "value", item) for item in _ordered(value))
    if isinstance(value, tuple):
        if value and isinstance(value[0], dueprocess.parts.AuthorityScope):
            return "; ".join(
                f"{text(scope.statute)} → " + _codes(area.value for area in _ordered(scope.areas))
                for scope in value
            )
        return _codes(value)
    return code(repr(value))


def policy() -> str:
    """Every field of ``DEFAULT_POLICY``."""
    from dueprocess._review._policy import POLICY_RANGES

    rows = [
        [
            code(field.name),
            _policy_value(getattr(DEFAULT_POLICY, field.name)),
            (
                f"{POLICY_RANGES[field.name][0]:,} to {POLICY_RANGES[field.name][1]:,}"
                if field.name in POLICY_RANGES
                else ""
            ),
        ]
        for field in attrs.fields(type(DEFAULT_POLICY))
    ]
    return table(["`Policy` field", "`DEFAULT_POLICY`", "allowed"], rows)


def case_transitions() -> str:
    """The case lifecycle's transition table: from each state, what may happen, under
    which review outcome or condition, and the one state it leads to."""
    from dueprocess.cases import TRANSITIONS, CaseAction, CaseState

    states = [None, *CaseState]
    actions = list(CaseAction)
    # By state, then action; rows of one (state, action) keep the table's own order.
    keys = sorted(TRANSITIONS, key=lambda key: (states.index(key[0]), actions.index(key[1])))
    rows = [
        [
            code(state.value) if state is not None else "(no case yet)",
            code(action.value),
            code(outcome.value) if outcome is not None else "—",
            code(condition.value) if condition is not None else "—",
            code(TRANSITIONS[(state, action, outcome, condition)].value),
        ]
        for state, action, outcome, condition in keys
    ]
    return table(["from", "action", "outcome", "condition", "to"], rows)


def _commands(
    parser: argparse.ArgumentParser, prefix: str
) -> list[tuple[str, argparse.ArgumentParser, str]]:
    """Every command under *parser*, depth first, with the help line its group gives it."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, sub in action.choices.items():
                found.append((f"{prefix} {name}", sub, helps.get(name, "")))
                found += _commands(sub, f"{prefix} {name}")
    return found


def _usage(parser: argparse.ArgumentParser) -> str:
    formatter = argparse.HelpFormatter(parser.prog, width=88)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups)
    return formatter.format_help().strip()


def _argument(action: argparse.Action) -> str:
    if action.option_strings:
        name = ", ".join(action.option_strings)
        if action.nargs != 0:
            metavar = action.metavar or action.dest.upper()
            if action.choices is not None and action.metavar is None:
                metavar = "{" + ",".join(str(choice) for choice in action.choices) + "}"
            name += f" {metavar}"
        return code(name)
    if action.metavar is None and action.choices is not None:
        return code("{" + ",".join(str(choice) for choice in action.choices) + "}")
    return code(action.metavar or action.dest)


def cli() -> str:
    """Every command of ``dueprocess``: usage, description and arguments, from argparse."""
    from dueprocess._cli import build_parser

    parts = []
    for name, parser, summary in _commands(build_parser(), "dueprocess"):
        text_parts = [f"### `{name}`", "", f"```text\n{_usage(parser)}\n```"]
        description = parser.description or summary
        if description:
            text_parts += ["", text(description)]
        formatter = argparse.HelpFormatter(parser.prog)
        rows = [
            [_argument(action), text(formatter._expand_help(action) if action.help else "")]
            for action in parser._actions
            if action.help != argparse.SUPPRESS
            and not isinstance(action, (argparse._HelpAction, argparse._SubParsersAction))
        ]
        if rows:
            text_parts += ["", table(["argument", "meaning"], rows)]
        parts.append("\n".join(text_parts))
    return "\n\n".join(parts)


SECTIONS: Mapping[str, Callable[[], str]] = {
    "findings": findings,
    "process-matrix": process_matrix,
    "process-categories": process_categories,
    "emergency": emergency,
    "kinds": kinds,
    "categories": categories,
    "required": required,
    "authority-scopes": authority_scopes,
    "jurisdictions": jurisdictions,
    "judicial-kinds": judicial_kinds,
    "domains": domains,
    "eu": eu,
    "preservation": preservation,
    "policy": policy,
    "case-transitions": case_transitions,
    "cli": cli,
}


def render(name: str) -> str:
    """The Markdown of one section.

    Raises:
        KeyError: *name* is not a section.
    """
    return link_citations(SECTIONS[name]().strip()) + "\n"


def render_document(source: str) -> str:
    """*source* with every marker replaced by its section."""

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in SECTIONS:
            known = ", ".join(SECTIONS)
            raise ValueError(f"unknown rule-reference section {name!r} (known: {known})")
        return render(name)

    return MARKER.sub(replace, source)


def substitutions() -> dict[str, str]:
    """Numbers and names the prose of the docs quotes, read from the code."""
    policy = DEFAULT_POLICY
    return {
        "policy_name": policy.name,
        "max_period_days": str(policy.max_period_days),
        "max_targets": str(policy.max_targets),
        "min_fact_words": str(policy.min_fact_words),
        "warrant_service_days": str(policy.warrant_service_days),
        "notice_hold_days": str(policy.notice_hold_days),
        "eu_applicable_from": T.EU_APPLICABLE_FROM.isoformat(),
        "eu_validation_hours": str(T.EU_VALIDATION_HOURS),
        "finding_count": str(len(T.FINDINGS)),
        "rules_as_of": T.CURRENT_AS_OF.isoformat(),
        "version": dueprocess.__version__,
    }


# --- Sphinx ---------------------------------------------------------------------------


def link_prose(markdown: str) -> str:
    """The page's running text with its statutes linked too: every line outside code
    fences, headings and comments, with code spans, links and HTML left as they are."""
    lines, fenced = [], False
    for line in markdown.split("\n"):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and line and line[0] not in "#%|:(<":
            parts = _PROTECTED.split(line)
            line = "".join(
                _code_link(part) if i % 2 else _link(part) for i, part in enumerate(parts)
            )
        lines.append(line)
    return "\n".join(lines)


def _code_link(part: str) -> str:
    """A code span naming a finding code links to that code's row."""
    if part.startswith("`") and part.endswith("`") and part.strip("`") in T.FINDINGS:
        return _finding_link(part.strip("`"))
    return part


#: Pages whose running text cites statutes and links each to its official text.
LINKED_PAGES = {"rules"}


def _source_read(app: Any, docname: str, source: list[str]) -> None:
    source[0] = render_document(source[0])
    if docname in LINKED_PAGES:
        source[0] = link_prose(source[0])


def _config_inited(app: Any, config: Any) -> None:
    merged = dict(substitutions())
    merged.update(config.myst_substitutions or {})
    config.myst_substitutions = merged


def setup(app: Any) -> dict[str, Any]:
    """Register with Sphinx."""
    app.connect("config-inited", _config_inited)
    app.connect("source-read", _source_read)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
