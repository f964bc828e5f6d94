"""The API reference, by topic, generated from what the public modules export.

A page holds a marker alone on a line::

    % api-reference: intake

and the marker becomes a summary table (name, kind, first line of its docstring) and the
autodoc directives for every public name of that topic. ``% api-reference: summary``
gives one table over every topic, for the top of the reference.

Which topic a name belongs to is decided by :data:`TOPIC_OF_MODULE` from the module that
*implements* it (``dueprocess._review._reviewer`` → review), or from the public module that
exports it (``dueprocess.testing`` → testing doubles), with :data:`TOPIC_OF_NAME` for the
few names whose module says too little (the shared enums). A new public name therefore
lands on its page in the next build; a name no rule places fails the build, naming it.

The extension also makes signatures readable: attrs classes get their ``__init__`` from
``attrs.fields`` (defaults as written, not ``attr_dict['x'].default``), private base
classes are replaced by their public bases, and references to the standard library and
to SQLAlchemy, pandas and matplotlib become plain links to their documentation (the build
is offline, so there is no intersphinx inventory to fetch).
"""

from __future__ import annotations

import enum
import importlib
import inspect
import re
import sys
import typing
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

__all__ = ["MARKER", "TOPICS", "Entry", "entries", "render", "render_document", "setup"]

MARKER = re.compile(r"^% api-reference: (?P<name>[a-z0-9-]+)[ \t]*$", re.MULTILINE)

#: Public modules, in the order their names are collected. A name exported by two of
#: them (``dueprocess.exceptions.InvalidRequest`` is ``dueprocess.exceptions.InvalidRequest``) is
#: documented once, under the first.
PUBLIC_MODULES = (
    "dueprocess",
    "dueprocess.parts",
    "dueprocess.cases",
    "dueprocess.reports",
    "dueprocess.exceptions",
    "dueprocess.typing",
    "dueprocess.testing",
    "dueprocess.adapters",
)

#: Topic slug → (page title, what the page is about).
TOPICS: Mapping[str, tuple[str, str]] = {
    "intake": ("Intake", "A request document becomes a typed, immutable request."),
    "review": ("Review", "The rules applied to one request, the policy, the letter."),
    "production": (
        "Production",
        "Records, producing what a review allows, the manifest and its proofs.",
    ),
    "cases": ("Cases", "A request followed from receipt to close; audit chain, ledger."),
    "reports": ("Reports", "Transparency reports: counting, reading, bands, charts."),
    "protocols": ("Storage protocols", "What your storage, output, clock and notifier implement."),
    "adapters": ("Adapters", "SQLite, SQL, directory and outbox implementations of the protocols."),
    "testing": ("Testing doubles", "In-memory implementations for tests, notebooks, examples."),
    "errors": ("Errors", "Every exception, with what it means and what to do."),
}

#: The first matching pattern over the implementing module (or, for the public
#: submodules, the exporting module) gives the topic.
TOPIC_OF_MODULE: tuple[tuple[str, str], ...] = (
    (r"^dueprocess\.exceptions$", "errors"),
    (r"^dueprocess\.typing$", "protocols"),
    (r"^dueprocess\.testing$", "testing"),
    (r"^dueprocess\.adapters\b", "adapters"),
    (r"^dueprocess\._?(intake|request|schema|json|formats)", "intake"),
    (r"^dueprocess\._?(review|rules|policy|letter|citations)", "review"),
    (
        r"^dueprocess\._?(production|manifest|merkle|verify|records|certificate|identity|bundle)",
        "production",
    ),
    (r"^dueprocess\._?(cases|fees)\b|^dueprocess\.cases\b", "cases"),
    (r"^dueprocess\._?reports\b|^dueprocess\.reports\b", "reports"),
)

#: Names whose implementing module is shared by several stages.
TOPIC_OF_NAME: Mapping[str, str] = {
    "Area": "intake",
    "Callback": "intake",
    "Category": "intake",
    "Channel": "intake",
    "Danger": "intake",
    "Nature": "intake",
    "NondisclosureKind": "intake",
    "ProcessKind": "intake",
    "Role": "intake",
    "TargetKind": "intake",
    "Decision": "review",
    "Effect": "review",
    "NoticeTiming": "review",
    "Outcome": "review",
    "DEFAULT_POLICY": "review",
    # Constants have no module of their own.
    "CERTIFICATE_TEMPLATE": "production",
    "DEFAULT_CUSTODIAN": "production",
    "SCHEMA_NAMES": "intake",
    "REPORT_LAYOUTS": "reports",
    "__version__": "",
}

#: What a public constant is (a value has no docstring of its own).
DATA_DOCS: Mapping[str, str] = {
    "DEFAULT_POLICY": (
        'The default :class:`~dueprocess.Policy`; its ``name`` is ``"default"``. Every field '
        "and its value is listed in :doc:`../rules`. Derive a stricter one with "
        '``attrs.evolve(DEFAULT_POLICY, name="strict", max_period_days=90)``.'
    ),
    "DEFAULT_CUSTODIAN": (
        "Who signs ``certificate.md`` unless :func:`~dueprocess.produce` is given a"
        ' ``custodian``: ``"Custodian of Records"``.'
    ),
    "SCHEMA_NAMES": (
        "The documents :func:`~dueprocess.json_schema` describes: ``request``, ``review``,"
        " ``policy`` and ``manifest``."
    ),
}

#: The page that introduces each public submodule (``dueprocess`` itself: the index).
MODULE_PAGE: Mapping[str, str] = {
    "dueprocess.exceptions": "errors",
    "dueprocess.typing": "protocols",
    "dueprocess.testing": "testing",
    "dueprocess.adapters": "adapters",
    "dueprocess.cases": "cases",
    "dueprocess.reports": "reports",
}

# Public modules whose own name decides the topic (whatever implements the name).
_BY_EXPORTER = {"dueprocess.typing", "dueprocess.testing", "dueprocess.adapters"}


@attrs.frozen
class Entry:
    """One public name: where it is documented and on which page."""

    qualname: str
    obj: Any
    topic: str

    @property
    def name(self) -> str:
        return self.qualname.rsplit(".", 1)[1]

    @property
    def kind(self) -> str:
        obj = self.obj
        if isinstance(obj, type):
            if issubclass(obj, BaseException):
                return "exception"
            if issubclass(obj, enum.Enum):
                return "enum"
            if getattr(obj, "_is_protocol", False):
                return "protocol"
            return "class"
        if callable(obj):
            return "function"
        return "data"

    @property
    def summary(self) -> str:
        if self.kind == "data":
            return "The default policy." if self.name == "DEFAULT_POLICY" else ""
        doc = inspect.getdoc(self.obj) or ""
        first = doc.strip().split("\n\n", 1)[0]
        return " ".join(first.split())


def _topic(exporter: str, name: str, obj: Any) -> str:
    if name in TOPIC_OF_NAME:
        return TOPIC_OF_NAME[name]
    defined = getattr(obj, "__module__", None) if isinstance(obj, type) or callable(obj) else None
    module = exporter if exporter in _BY_EXPORTER else (defined or exporter)
    for pattern, topic in TOPIC_OF_MODULE:
        if re.search(pattern, module):
            return topic
    raise ValueError(
        f"api-reference: no topic for {exporter}.{name} (implemented in {module}); "
        "add a rule to TOPIC_OF_MODULE (or, for a constant, TOPIC_OF_NAME) in "
        "docs/_ext/api_reference.py"
    )


def entries() -> list[Entry]:
    """Every public name once, in the order of its module's ``__all__``."""
    found: list[Entry] = []
    seen: set[int] = set()
    for module_name in PUBLIC_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name in module.__all__:
            obj = getattr(module, name)
            topic = _topic(module_name, name, obj)
            if not topic or (not isinstance(obj, (str, int)) and id(obj) in seen):
                continue
            seen.add(id(obj))
            found.append(Entry(f"{module_name}.{name}", obj, topic))
    return found


def _escape(value: str) -> str:
    return re.sub(r"([\\`*_{}\[\]<>|#!~$])", r"\\\1", value)


def _markdown(rst: str) -> str:
    """A docstring's first sentence, from reStructuredText to MyST, for a table cell."""
    out = []
    for piece in re.split(r"(:\w+:`[^`]+`|``[^`]+``)", rst):
        role = re.fullmatch(r":(\w+):`([^`]+)`", piece)
        if role and ("." in role.group(2) or role.group(2).startswith("~")):
            out.append(f"{{py:{role.group(1)}}}`{role.group(2)}`")
        elif role:
            # A name relative to its class (``:attr:`audit```) has no context in a table.
            out.append(f"`{role.group(2)}`")
        elif piece.startswith("``") and piece.endswith("``") and len(piece) > 4:
            out.append("`" + piece[2:-2].replace("|", "\\|") + "`")
        else:
            out.append(_escape(piece))
    return "".join(out)


def _summary_table(chosen: list[Entry], with_topic: bool) -> str:
    role = {"function": "func", "data": "data", "protocol": "class", "enum": "class"}
    rows = []
    for entry in chosen:
        ref = f"{{py:{role.get(entry.kind, 'class')}}}`~{entry.qualname}`"
        cells = [ref, entry.kind, _markdown(entry.summary)]
        if with_topic:
            cells.insert(2, f"[{TOPICS[entry.topic][0]}]({entry.topic}.md)")
        rows.append("| " + " | ".join(cells) + " |")
    header = ["name", "kind", *(["topic"] if with_topic else []), "summary"]
    return "\n".join(
        ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|", *rows]
    )


def _directive(entry: Entry) -> str:
    kind = entry.kind
    if kind == "function":
        return f".. autofunction:: {entry.qualname}\n"
    if kind == "data":
        text = DATA_DOCS.get(entry.name, "")
        return f".. py:data:: {entry.qualname}\n   :type: {type(entry.obj).__name__}\n\n   {text}\n"
    options = ["   :members:"]
    if kind == "protocol":
        # A Protocol's methods are the contract; they need not carry docstrings.
        options.append("   :undoc-members:")
    if kind == "enum":
        options.append("   :undoc-members:")
        options.append("   :member-order: bysource")
    if kind in ("enum", "exception", "protocol"):
        options.append("   :show-inheritance:")
    directive = "autoexception" if kind == "exception" else "autoclass"
    return f".. {directive}:: {entry.qualname}\n" + "\n".join(options) + "\n"


def topic_page(topic: str) -> str:
    """The summary table and the autodoc directives of one topic."""
    # The verbs first, then the values they return, then the closed sets and the errors.
    order = ["function", "class", "protocol", "data", "enum", "exception"]
    chosen = sorted(
        (entry for entry in entries() if entry.topic == topic),
        key=lambda entry: order.index(entry.kind),
    )
    if not chosen:
        raise ValueError(f"api-reference: topic {topic!r} has no public names")
    modules = sorted({entry.qualname.rsplit(".", 1)[0] for entry in chosen})
    declared = [
        f".. py:module:: {module}\n" for module in modules if MODULE_PAGE.get(module) == topic
    ]
    body = "\n".join([*declared, *(_directive(entry) for entry in chosen)])
    imports = ", ".join(f"`{module}`" for module in modules)
    return (
        f"Import from {imports}.\n\n"
        + _summary_table(chosen, with_topic=False)
        + "\n\n```{eval-rst}\n"
        + body
        + "```\n"
    )


def summary() -> str:
    """One table over every topic: the front of the reference."""
    rows = []
    everything = entries()
    for slug, (title, about) in TOPICS.items():
        count = sum(1 for entry in everything if entry.topic == slug)
        rows.append(f"| [{title}]({slug}.md) | {count} | {_escape(about)} |")
    return "\n".join(["| topic | names | what it covers |", "|---|---|---|", *rows])


def render(name: str) -> str:
    """The Markdown of one marker: ``summary``, ``all`` or a topic slug."""
    if name == "summary":
        return summary()
    if name == "all":
        return _summary_table(entries(), with_topic=True)
    if name not in TOPICS:
        known = ", ".join(["summary", "all", *TOPICS])
        raise ValueError(f"unknown api-reference section {name!r} (known: {known})")
    return topic_page(name)


def render_document(source: str) -> str:
    """*source* with every marker replaced."""
    return MARKER.sub(lambda match: render(match.group("name")).strip() + "\n", source)


# --- readable signatures ---------------------------------------------------------------


def _short_default(value: Any, owner: type | None = None) -> str:
    """A default as a reader would write it: a literal, or the name of the constant."""
    if isinstance(value, attrs.Factory):  # type: ignore[arg-type]
        factory = value.factory
        known = {tuple: "()", list: "[]", dict: "{}", frozenset: "frozenset()", set: "set()"}
        return known.get(factory, f"{getattr(factory, '__name__', 'factory')}()")
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    text = repr(value)
    if len(text) <= 40:
        return text
    places = ["dueprocess", "dueprocess._review._rules.tables"]
    if owner is not None:
        places.insert(0, owner.__module__)
    for place in places:
        try:
            module = importlib.import_module(place)
        except ImportError:
            continue
        for name, candidate in vars(module).items():
            if name.isupper() and not name.startswith("_") and candidate is value:
                return name
    return "..."


def attrs_signature(cls: type) -> str:
    """``(a: int, b: str = 'x', *, c: tuple[str, ...] = ())`` from the attrs fields."""
    from sphinx.util.typing import stringify_annotation

    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # a hint that cannot be resolved is shown as written
        hints = {}
    params: list[str] = []
    star = False
    for field in attrs.fields(cls):
        if not field.init:
            continue
        name = field.alias or field.name.lstrip("_")
        if field.kw_only and not star:
            params.append("*")
            star = True
        hint = hints.get(field.name, field.type)
        text = name
        if hint is not None:
            rendered = (
                hint
                if isinstance(hint, str)
                else stringify_annotation(hint, "fully-qualified-except-typing")
            )
            text += f": {rendered}"
        if field.default is not attrs.NOTHING:
            text += f" = {_short_default(field.default, cls)}"
        params.append(text)
    return "(" + ", ".join(params) + ")"


def _process_signature(
    app: Any,
    what: str,
    name: str,
    obj: Any,
    options: Any,
    signature: str | None,
    return_annotation: str | None,
) -> tuple[str, str | None] | None:
    if what not in ("class", "exception"):
        return None
    # A Protocol is implemented, never instantiated: its inherited (*args, **kwargs)
    # constructor says nothing.
    if getattr(obj, "_is_protocol", False):
        return "", return_annotation
    if isinstance(obj, type) and issubclass(obj, enum.Enum):
        return "", return_annotation
    if isinstance(obj, type) and attrs.has(obj) and not issubclass(obj, BaseException):
        return attrs_signature(obj), return_annotation
    return None


def _public_bases(cls: type) -> Iterator[type]:
    for base in cls.__bases__:
        private = base.__name__.startswith("_") or any(
            part.startswith("_") for part in base.__module__.split(".")[1:]
        )
        if base is object:
            continue
        if private and base.__module__.startswith("dueprocess"):
            yield from _public_bases(base)
        elif base.__name__ == "Generic":
            continue
        else:
            yield base


def _process_bases(app: Any, name: str, obj: Any, options: Any, bases: list[type]) -> None:
    bases[:] = list(dict.fromkeys(_public_bases(obj)))


def _skip_member(app: Any, what: str, name: str, obj: Any, skip: bool, options: Any) -> bool | None:
    # Enums: the members are the values; the helpers of the private base are not API.
    if what == "class" and name in {"__str__", "__repr__"}:
        return True
    return None


# --- links to other projects' documentation ---------------------------------------------

PYTHON_DOCS = "https://docs.python.org/3/library/"
#: Documentation pages of the third-party names the API mentions.
EXTERNAL: Mapping[str, str] = {
    "sqlalchemy.Engine": "https://docs.sqlalchemy.org/en/20/core/connections.html#sqlalchemy.engine.Engine",
    "sqlalchemy.engine.base.Engine": (
        "https://docs.sqlalchemy.org/en/20/core/connections.html#sqlalchemy.engine.Engine"
    ),
    "sqlalchemy.create_engine": (
        "https://docs.sqlalchemy.org/en/20/core/engines.html#sqlalchemy.create_engine"
    ),
    "pandas.DataFrame": "https://pandas.pydata.org/docs/reference/api/pandas.DataFrame.html",
    "matplotlib.figure.Figure": (
        "https://matplotlib.org/stable/api/_as_gen/matplotlib.figure.Figure.html"
    ),
}
ALIASES: Mapping[str, str] = {
    "dt.datetime": "datetime.datetime",
    "dt.date": "datetime.date",
    "dt.timedelta": "datetime.timedelta",
    "sa.Engine": "sqlalchemy.Engine",
    "Figure": "matplotlib.figure.Figure",
}


def external_url(target: str) -> str | None:
    """The documentation URL of a standard-library or third-party name, if known."""
    target = ALIASES.get(target, target)
    if target in EXTERNAL:
        return EXTERNAL[target]
    top = target.split(".", 1)[0]
    if top not in sys.stdlib_module_names:
        return None
    if "." not in target:
        return f"{PYTHON_DOCS}{target}.html"
    # The Python docs have one page per module, named in lower case.
    module = target.rsplit(".", 1)[0]
    return f"{PYTHON_DOCS}{module.lower()}.html#{target}"


def _documented() -> dict[int, str]:
    return {id(entry.obj): entry.qualname for entry in _entries_cached()}


def _lookup(target: str) -> tuple[bool, Any]:
    """(found, object) for a dotted name under dueprocess."""
    parts = target.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            if not hasattr(obj, attr):
                return False, None
            obj = getattr(obj, attr)
        return True, obj
    return False, None


def _candidates(target: str, node: Any) -> Iterator[str]:
    yield target
    module = node.get("py:module") or "dueprocess"
    owner = node.get("py:class")
    if owner:
        yield f"{module}.{owner}.{target}"
    yield f"{module}.{target}"
    yield f"dueprocess.{target}"


def _private_modules() -> Iterator[Any]:
    import sys

    for name, module in list(sys.modules.items()):
        if name.startswith("dueprocess.") and module is not None:
            yield module


def resolve(target: str, node: Any) -> tuple[str, str | None]:
    """How to show a reference autodoc could not resolve.

    ``("link", name)``: the documented name of the same object (a re-export, a method of
    a documented class); ``("text", None)``: a name that exists but is not public API (a
    private module, a type alias): shown as plain text; ``("missing", None)``: a mistake.
    """
    documented = _documented()
    for candidate in _candidates(target, node):
        if not candidate.startswith("dueprocess"):
            continue
        found, obj = _lookup(candidate)
        if not found:
            continue
        if id(obj) in documented:
            return "link", documented[id(obj)]
        owner, _, attr = candidate.rpartition(".")
        found_owner, owner_obj = _lookup(owner)
        if found_owner and id(owner_obj) in documented:
            return "link", f"{documented[id(owner_obj)]}.{attr}"
        return "text", None
    if "." not in target and any(hasattr(module, target) for module in _private_modules()):
        return "text", None
    # An attribute an instance sets (``:attr:`case``` of an exception): described in the
    # class's own text, not a target of its own.
    if "." not in target and node.get("py:class") and node.get("reftype") in ("attr", "meth"):
        return "text", None
    return "missing", None


_CACHE: list[Entry] = []


def _entries_cached() -> list[Entry]:
    if not _CACHE:
        _CACHE.extend(entries())
    return _CACHE


def _missing_reference(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    from docutils import nodes

    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    url = external_url(target)
    if url is not None:
        reference = nodes.reference("", "", internal=False, refuri=url, reftitle=target)
        reference.append(contnode)
        return reference
    how, name = resolve(target, node)
    if how == "text":
        return contnode
    if how != "link" or name is None or name == target:
        return None
    domain = env.get_domain("py")
    for role in ("class", "func", "meth", "attr", "data", "exc", "obj"):
        resolved = domain.resolve_xref(env, node["refdoc"], app.builder, role, name, node, contnode)
        if resolved is not None:
            return resolved
    # An attrs field of a documented class: described in the class, not a target of its own.
    return contnode


def _source_read(app: Any, docname: str, source: list[str]) -> None:
    source[0] = render_document(source[0])


def setup(app: Any) -> dict[str, Any]:
    """Register with Sphinx."""
    app.connect("source-read", _source_read)
    app.connect("autodoc-process-signature", _process_signature)
    app.connect("autodoc-process-bases", _process_bases)
    app.connect("autodoc-skip-member", _skip_member)
    app.connect("missing-reference", _missing_reference)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
