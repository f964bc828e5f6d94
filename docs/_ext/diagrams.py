"""Diagrams drawn at build time from the code's own tables, with Graphviz.

A page holds a marker alone on a line::

    % diagram: lifecycle

and the marker becomes a ``graphviz`` directive (``sphinx.ext.graphviz``, rendered to SVG
by ``dot``) whose graph is made now from the code:

* ``lifecycle`` — every row of ``dueprocess.cases.TRANSITIONS`` as an edge;
* ``outcome`` — the effects in the reviewer's own order (``_OUTCOME_BY_EFFECT``), then the
  rules after them, ending in every :class:`~dueprocess.Outcome`;
* ``notice`` — the notice decision, ending in every :class:`~dueprocess.parts.NoticeTiming`
  (a timing the diagram does not show fails the build);
* ``merkle`` — an RFC 6962 tree over five records, hashed by
  ``dueprocess._production._merkle``, with the inclusion proof of one record that
  ``inclusion_proof`` returns;
* ``pipeline`` — the public functions from request to report (a name that is no longer
  public fails the build).

The process x category grid is an HTML table drawn by ``rule_reference``.

Colours are the Okabe-Ito palette, which readers with the common colour-vision
deficiencies can tell apart; every colour is paired with a label, never alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import dueprocess as dp

__all__ = ["MARKER", "SECTIONS", "dot", "render", "render_document", "setup"]

MARKER = re.compile(r"^% diagram: (?P<name>[a-z0-9-]+)[ \t]*$", re.MULTILINE)

# Okabe-Ito.
BLUE = "#0072B2"
SKY = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
ORANGE = "#E69F00"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#999999"

_GRAPH = (
    'graph [fontname="DejaVu Sans", fontsize=11, bgcolor="transparent", pad=0.2];\n'
    'node [fontname="DejaVu Sans", fontsize=11, shape=box, style="rounded,filled", '
    'fillcolor="#f4f6f8", color="#5a6470"];\n'
    'edge [fontname="DejaVu Sans", fontsize=10, color="#5a6470", fontcolor="#33393f"];\n'
)


def _q(value: object) -> str:
    """A DOT string: quotes escaped, line breaks as DOT's ``\\n``."""
    return '"' + str(value).replace('"', '\\"').replace("\n", "\\n") + '"'


def _directive(graph: str, caption: str, alt: str) -> str:
    body = "\n".join("   " + line if line else "" for line in graph.splitlines())
    return (
        "```{eval-rst}\n"
        f".. graphviz::\n   :align: center\n   :alt: {alt}\n   :caption: {caption}\n\n"
        f"{body}\n```"
    )


# --- the case lifecycle ----------------------------------------------------------------


def _edges() -> Iterable[tuple[str, str, str, tuple[str | None, str | None]]]:
    """(from, to, action, (outcome, condition)) for every row of the table; ``start`` is
    "no case yet"."""
    from dueprocess.cases import TRANSITIONS

    for (state, action, outcome, condition), target in TRANSITIONS.items():
        picks = (outcome.value if outcome else None, condition.value if condition else None)
        source = state.value if state is not None else "start"
        yield source, target.value, action.value, picks


def _label(actions: dict[str, list[tuple[str | None, str | None]]]) -> str:
    """``decide (comply, partial; window_open)``: each action once, with the outcomes and
    the conditions that take it along this edge."""
    labels = []
    for action, picks in actions.items():
        outcomes = dict.fromkeys(outcome for outcome, _ in picks if outcome is not None)
        conditions = dict.fromkeys(condition for _, condition in picks if condition is not None)
        named = "; ".join(", ".join(column) for column in (outcomes, conditions) if column)
        labels.append(action + (f" ({named})" if named else ""))
    return ", ".join(labels)


def lifecycle() -> str:
    from dueprocess.cases import CaseState

    decided = {"awaiting_verification", "pushed_back", "rejected", "escalated", "preserved"}
    edges: dict[tuple[str, str], dict[str, list[tuple[str | None, str | None]]]] = {}
    for source, target, action, picks in _edges():
        edges.setdefault((source, target), {}).setdefault(action, []).append(picks)
    lines = ["digraph lifecycle {", _GRAPH, "rankdir=LR; nodesep=0.25; ranksep=0.5;"]
    lines.append('start [shape=point, width=0.15, fillcolor="#33393f", label=""];')
    for state in CaseState:
        colour = {"closed": GREY, "produced": GREEN, "ready": GREEN, "rejected": VERMILLION}
        fill = colour.get(state.value)
        style = f', fillcolor="{fill}", fontcolor="white"' if fill else ""
        if state.value in decided - {"rejected"}:
            style = f', fillcolor="{YELLOW}"'
        if state.value == "notice_pending":
            style = f', fillcolor="{SKY}"'
        lines.append(f"{_q(state.value)} [label={_q(state.value)}{style}];")
    for (source, target), actions in edges.items():
        # Self-loops (notify) and the many close/callback edges are grouped on one arrow.
        label = _label(actions)
        extra = ', style="dashed"' if target == "in_review" and source != "received" else ""
        if target == "closed" and label == "close":
            extra = ', color="#9aa3ad"'
        lines.append(f"{_q(source)} -> {_q(target)} [label={_q(label)}{extra}];")
    lines.append("}")
    return _directive(
        "\n".join(lines),
        "The case lifecycle, drawn from the transition table "
        "(dueprocess.cases.TRANSITIONS), with the outcome or condition that picks "
        "each edge. Dashed: back to review (a call-back, a cure, a renewal, a review).",
        "State diagram of the case lifecycle",
    )


# --- the outcome -----------------------------------------------------------------------


def outcome() -> str:
    from dueprocess import Effect, Outcome

    try:
        from dueprocess._review._reviewer import _OUTCOME_BY_EFFECT as order
    except ImportError:  # pragma: no cover - the reviewer moved
        order = tuple(
            (effect, Outcome(effect.value))
            for effect in (Effect.REJECT, Effect.VERIFY, Effect.ESCALATE, Effect.PUSH_BACK)
        )
    steps: list[tuple[str, str]] = [
        (f"any finding with effect\\n{effect.value}?", result.value) for effect, result in order
    ]
    steps += [
        ("a preservation kind?", Outcome.PRESERVE.value),
        ("no requested category\\ndisclose or limited?", Outcome.PUSH_BACK.value),
        ("every category disclose\\nand nothing narrowed?", Outcome.COMPLY.value),
    ]
    colour = {
        "reject": VERMILLION, "verify": ORANGE, "escalate": PURPLE, "push_back": YELLOW,
        "preserve": SKY, "comply": GREEN, "partial": GREEN,
    }  # fmt: skip
    lines = ["digraph outcome {", _GRAPH, "rankdir=TB; nodesep=0.3; ranksep=0.3;"]
    shown = set()
    for number, (question, result) in enumerate(steps):
        lines.append(
            f'q{number} [label={_q(question)}, shape=box, style="filled", fillcolor="#ffffff"];'
        )
        node = f"o_{result}_{number}"
        fill = colour.get(result, GREY)
        font = "white" if fill in (VERMILLION, PURPLE, GREEN, BLUE) else "black"
        lines.append(f'{node} [label={_q(result)}, fillcolor="{fill}", fontcolor="{font}"];')
        lines.append(f'q{number} -> {node} [label="yes"];')
        lines.append(f"{{rank=same; q{number}; {node};}}")
        if number:
            lines.append(f'q{number - 1} -> q{number} [label="no"];')
        shown.add(result)
    last = len(steps) - 1
    lines.append(f'o_partial [label="partial", fillcolor="{GREEN}", fontcolor="white"];')
    lines.append(f'q{last} -> o_partial [label="no"];')
    shown.add("partial")
    missing = {member.value for member in Outcome} - shown
    if missing:
        raise ValueError(f"diagram 'outcome' does not show {sorted(missing)}")
    lines.append("}")
    return _directive(
        "\n".join(lines),
        "How the outcome is decided: the first question answered yes wins. Only comply "
        "and partial release data.",
        "Flow chart of the outcome decision",
    )


# --- the notice ------------------------------------------------------------------------


NOTICE_STEPS: tuple[tuple[str, str, bool], ...] = (
    # (question, timing when yes, user told)
    ("outcome neither comply\\nnor partial?", "none", False),
    ("European Production\\nOrder?", "by_issuing_authority", False),
    ("national security\\nletter?", "withheld", False),
    ("a court's\\nnondisclosure order?", "after_nondisclosure", True),
    ("child-exploitation\\ninvestigation?", "withheld", False),
    ("emergency request?", "after_emergency", True),
)
NOTICE_OTHERWISE = "before_disclosure"


def notice() -> str:
    from dueprocess.parts import NoticeTiming

    shown = {timing for _, timing, _ in NOTICE_STEPS} | {NOTICE_OTHERWISE}
    missing = {timing.value for timing in NoticeTiming} - shown
    unknown = shown - {timing.value for timing in NoticeTiming}
    if missing or unknown:
        raise ValueError(
            f"diagram 'notice' is out of date: missing {sorted(missing)}, unknown {sorted(unknown)}"
        )
    lines = ["digraph notice {", _GRAPH, "rankdir=TB; nodesep=0.3; ranksep=0.3;"]
    for number, (question, timing, told) in enumerate(NOTICE_STEPS):
        lines.append(
            f'q{number} [label={_q(question)}, shape=box, style="filled", fillcolor="#ffffff"];'
        )
        fill = SKY if told else ORANGE
        word = "told" if told else "not told"
        label = _q(f"{timing}\n({word})")
        lines.append(f't{number} [label={label}, fillcolor="{fill}"];')
        lines.append(f'q{number} -> t{number} [label="yes"];')
        lines.append(f"{{rank=same; q{number}; t{number};}}")
        if number:
            lines.append(f'q{number - 1} -> q{number} [label="no"];')
    last = len(NOTICE_STEPS) - 1
    label = _q(f"{NOTICE_OTHERWISE}\n(told, then a hold\nbefore release)")
    lines.append(f'otherwise [label={label}, fillcolor="{SKY}"];')
    lines.append(f'q{last} -> otherwise [label="no"];')
    lines.append("}")
    return _directive(
        "\n".join(lines),
        "Whether and when the account holder is told: the first question answered yes "
        "decides. Blue: told; orange: not told by the platform.",
        "Flow chart of the notice decision",
    )


# --- the Merkle tree --------------------------------------------------------------------


MERKLE_RECORDS = tuple(
    f'{{"account":"100001","at":"2017-01-0{day}T09:00:00Z","category":"session_logs"}}'.encode()
    for day in range(1, 6)
)
MERKLE_PROVEN = 2


def merkle() -> str:
    from dueprocess._production._merkle import leaf_hash, node_hash

    lines = ["digraph merkle {", _GRAPH, "rankdir=BT; nodesep=0.2; ranksep=0.35;"]
    from dueprocess._production._merkle import inclusion_proof

    computed, _ = inclusion_proof(MERKLE_PROVEN, len(MERKLE_RECORDS), MERKLE_RECORDS)
    path_hashes = {step.hex() if isinstance(step, bytes) else str(step) for step in computed.path}
    on_path: set[str] = set()

    def build(lo: int, hi: int) -> tuple[str, bytes]:
        if hi - lo == 1:
            digest = leaf_hash(MERKLE_RECORDS[lo])
            name = f"leaf{lo}"
            lines.append(f'rec{lo} [label="record {lo}", shape=note, fillcolor="#ffffff"];')
            lines.append(f"rec{lo} -> {name} [arrowhead=none];")
        else:
            split = 1
            while split * 2 < hi - lo:
                split *= 2
            left_name, left = build(lo, lo + split)
            right_name, right = build(lo + split, hi)
            digest = node_hash(left, right)
            name = f"node{lo}_{hi}"
            lines.append(f"{left_name} -> {name}; {right_name} -> {name};")
        if lo <= MERKLE_PROVEN < hi:
            on_path.add(name)
        fill = "#f4f6f8"
        if name in on_path:
            fill = SKY
        if digest.hex() in path_hashes:
            fill = ORANGE
        label = ("root " if (lo, hi) == (0, len(MERKLE_RECORDS)) else "") + digest.hex()[:8]
        lines.append(f'{name} [label={_q(label)}, fillcolor="{fill}"];')
        return name, digest

    _, root = build(0, len(MERKLE_RECORDS))
    if not dp.verify_inclusion(MERKLE_RECORDS[MERKLE_PROVEN], computed, root.hex()):
        raise ValueError("diagram 'merkle': the drawn proof does not verify")
    lines.append(f'rec{MERKLE_PROVEN} [fillcolor="{SKY}"];')
    lines.append("}")
    return _directive(
        "\n".join(lines),
        f"An RFC 6962 Merkle tree over five records, hashed by dueprocess. To prove record "
        f"{MERKLE_PROVEN} was produced, the platform shows it with the {len(computed.path)} "
        "orange hashes (its inclusion proof); hashing up the blue path gives the root in "
        "manifest.json. The other records stay private.",
        "Merkle tree with an inclusion proof path",
    )


# --- the pipeline ----------------------------------------------------------------------

#: (node, label, public name it stands for, or "" for data).
PIPELINE_NODES: tuple[tuple[str, str, str], ...] = (
    ("doc", "request.json", ""),
    ("review", "load_request()\nreview()", "review"),
    ("policy", "Policy,\nrule tables", "Policy"),
    ("produce", "produce()", "produce"),
    ("source", "your records\n(RecordSource)", ""),
    ("sink", "records.jsonl\nmanifest.json\nletter.md\ncertificate.md", ""),
    ("verify", "verify()", "verify"),
    ("cases", "Cases: lifecycle,\ndeadlines, notice", "Cases"),
    ("audit", "audit chain", "verify_chain"),
    ("ledger", "disclosure\nledger", "LedgerEntry"),
    ("report", "transparency_report()", "transparency_report"),
)


def pipeline() -> str:
    missing = [name for _, _, name in PIPELINE_NODES if name and not hasattr(dp, name)]
    if missing:
        raise ValueError(f"diagram 'pipeline' names what dueprocess no longer exports: {missing}")
    graph = _GRAPH.replace("fontsize=11", "fontsize=14").replace("fontsize=10", "fontsize=12")
    lines = ["digraph pipeline {", graph, "rankdir=LR; nodesep=0.25; ranksep=0.35;"]
    for node, label, name in PIPELINE_NODES:
        style = ""
        if label.split("\n")[0].endswith("()"):
            style = f', fillcolor="{BLUE}", fontcolor="white"'
        elif not name:
            style = ', shape=note, fillcolor="#ffffff"'
        lines.append(f"{node} [label={_q(label)}{style}];")
    lines += [
        "doc -> review;",
        "policy -> review [style=dashed];",
        'review -> produce [label="Review"];',
        "source -> produce [style=dashed];",
        "produce -> sink -> verify;",
        'review -> cases [style=dotted, label="case"];',
        "produce -> cases [style=dotted];",
        "cases -> audit; cases -> ledger; cases -> report;",
        "{rank=same; review; policy;}",
        "{rank=same; produce; source;}",
        "{rank=same; sink; cases;}",
        "}",
    ]
    return _directive(
        "\n".join(lines),
        "From a request to a proof: blue boxes are the functions you call; the case layer "
        "follows each request and feeds the audit chain, the ledger and the reports.",
        "The dueprocess pipeline",
    )


SECTIONS: Mapping[str, Callable[[], str]] = {
    "pipeline": pipeline,
    "lifecycle": lifecycle,
    "outcome": outcome,
    "notice": notice,
    "merkle": merkle,
}


def dot(name: str) -> str:
    """The DOT source of one diagram (for tests)."""
    rendered = SECTIONS[name]()
    return rendered[rendered.index("digraph") : rendered.rindex("}") + 1]


def render(name: str) -> str:
    return SECTIONS[name]().strip() + "\n"


def render_document(source: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in SECTIONS:
            raise ValueError(f"unknown diagram {name!r} (known: {', '.join(SECTIONS)})")
        return render(name)

    return MARKER.sub(replace, source)


def _source_read(app: Any, docname: str, source: list[str]) -> None:
    source[0] = render_document(source[0])


def setup(app: Any) -> dict[str, Any]:
    """Register with Sphinx."""
    app.connect("source-read", _source_read)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
