"""Synthetic landscapes at scale: ``clustergraph generate``.

Writes a made-up ECCP landscape that follows the patterns of the encoded Belgium factsheet
(``data/be/``, described in ``data/README.md``) for any number of countries, cluster
organisations and members, so that loading, queries, validation and export can be measured
at the size of the real landscape (56 countries, ~1,400 cluster organisations with ~170
members each) and beyond. It is never shipped as data: it is written only under the output
directory, and marked as synthetic there (``SYNTHETIC.md``, an RDF record of the generator,
its version, seed and parameters, and an ``rdfs:comment`` on every factsheet).

What it uses is real: the concept IRIs are read from the bundled vocabularies, the countries
and NUTS level-0 regions from the bundled reference data, the NACE Rev. 2 divisions from
there too, and the EU-wide programmes and periods have the IRIs the Belgium data gives them.
Synthetic instance IRIs all contain ``synth-`` so they never collide with real ones.

Layout of the output directory::

    DIR/SYNTHETIC.md                 what this is, how it was made, the triple count
    DIR/synthetic-dataset.ttl        the same as RDF (dct:type, rdfs:comment, generator, seed)
    DIR/synth-eu/*.ttl               EU-wide nodes every country refers to (programmes,
                                     periods, Euroclusters, the agglomeration method)
    DIR/synth-<cc>/*.ttl             one folder per synthetic country, one file per part
                                     of the factsheet, as data/be/, plus organisations.ttl
                                     (cluster organisations and their members) and, for
                                     every second country, edition-2024.ttl (a later
                                     edition of its factsheet with a revised figure)

Every country has the patterns of the 0.2.0 model (issue 12): policy 1 has two support levels
with a budget and a count each and, in every second country (as the later edition), a
sub-programme (cg:isPartOf, cg:partType) cited from a web page (cg:WebPage, not the
factsheet) that states nothing else (cg:notStated); policy 2
runs in two phases with their periods (the second to the day) and figures; budgets are in the
country's national currency (cg:currency, EU currency authority IRIs); an ESCP consortium has
memberships with roles (org:Membership, org:role), partner countries, a budget in euros and
dates to the day, and cluster 1 is a partner of one Eurocluster of the shared layer.

Countries are the reference countries that have a NUTS level-0 code, EU member states in
code order with the first non-member third (so that a small landscape has one); past
the last one the list starts again with a numbered slug (``synth-de-2``). Every count of
triples is fixed by the parameters (random draws choose values, never how many): see
:func:`expected_triples`. Output is deterministic for a seed (byte-identical files) and
streamed: one entity at a time, so 5M triples need no 5M triples in memory.

>>> report = generate(tmp_path, countries=2, cluster_orgs=3, members=5, seed=1)  # doctest: +SKIP
>>> report.triples == expected_triples(2, 3, 5)                                 # doctest: +SKIP
True
"""

from __future__ import annotations

import random
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from . import __version__
from .errors import OutputError, UsageError
from .formats import by_name
from .namespaces import (
    COUNTRY,
    CURRENCY,
    DCAT,
    DCMITYPE,
    DCT,
    FREQ,
    M8G,
    NACE,
    NUTS,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    XSD,
)
from .output import OutputFile, refuse_store_target, write_output
from .resources import BASE, CG, layer_graph, reference_files, vocabulary_files

#: Parameter sets giving about 10k, 100k, 1M and 5M triples (used by the benchmark).
#: ``triples`` is exact (:func:`expected_triples`); 1M is the real landscape's shape
#: (~1,400 cluster organisations) with 100 members each.
SIZES: dict[str, dict[str, int]] = {
    "10k": {"countries": 3, "cluster_orgs": 4, "members": 80},
    "100k": {"countries": 8, "cluster_orgs": 20, "members": 80},
    "1M": {"countries": 36, "cluster_orgs": 39, "members": 100},
    "5M": {"countries": 56, "cluster_orgs": 50, "members": 250},
}

FORMATS = ("ttl", "nq")
EDITION = "2023"
DATA_DATE = "2023-12-21"
#: Every second country (index 1, 3, ...) also has this later edition of its factsheet.
NEXT_EDITION = "2024"
NEXT_DATA_DATE = "2024-12-20"
RETRIEVED = "2026-11-30"  # the retrieval day of the synthetic web pages

# Triples per entity kind: fixed, so that a landscape's size is known before it is written.
TRIPLES_EU = 64  # synth-eu/: method, rules, programmes, periods, source organisations
TRIPLES_PER_EUROCLUSTER = 5
EUROCLUSTERS = 20
TRIPLES_META = 16  # synthetic-dataset.ttl
TRIPLES_PER_COUNTRY = 1230  # every factsheet part, without the cluster organisations
#: Every second country: a later edition (its factsheet, its section 3 and one figure: 25) and
#: a sub-programme cited from a web page (26).
TRIPLES_EVERY_SECOND = 51
TRIPLES_PER_CLUSTER_ORG = 10  # without its members
TRIPLES_PER_MEMBER = 7  # the member (6) and the org:hasMember link (1)


def expected_triples(countries: int, cluster_orgs: int, members: int) -> int:
    """The exact number of triples :func:`generate` writes for these parameters."""
    return (
        TRIPLES_EU
        + EUROCLUSTERS * TRIPLES_PER_EUROCLUSTER
        + TRIPLES_META
        + countries
        * (
            TRIPLES_PER_COUNTRY
            + cluster_orgs * (TRIPLES_PER_CLUSTER_ORG + members * TRIPLES_PER_MEMBER)
        )
        + (countries // 2) * TRIPLES_EVERY_SECOND
    )


# ---------------------------------------------------------------------------------------------
# Namespaces
# ---------------------------------------------------------------------------------------------

ID = BASE + "id/"
VOCAB = BASE + "vocab/"

#: The national currency of each reference country (ISO 4217), by EU country code; the
#: others use the euro. Synthetic budgets are stated in it.
NATIONAL_CURRENCY = {
    "BG": "BGN", "CZ": "CZK", "DK": "DKK", "HU": "HUF", "PL": "PLN", "RO": "RON", "SE": "SEK",
    "AL": "ALL", "CH": "CHF", "IS": "ISK", "LI": "CHF", "MK": "MKD", "NO": "NOK", "RS": "RSD",
    "TR": "TRY", "UK": "GBP",
}

_SCHEMES = (
    "agglomeration-criterion", "agglomeration-type", "authority-role", "beneficiary-type",
    "budget-type", "comparison", "competence-area", "data-availability", "eu-priority",
    "evaluation-availability", "evidence", "funding-source-type", "governance-level",
    "indicator", "industrial-ecosystem", "instrument-type", "measure", "member-type",
    "objective", "organisation-type", "partnership-type", "period-type", "policy-focus",
    "policy-type", "qualifier", "semester-policy-area", "state-of-play-criterion",
    "state-of-play-level", "unit", "consortium-role", "source-type", "policy-part-type",
)

#: Turtle prefixes: standard namespaces, one per vocabulary scheme (named as the scheme), one
#: per kind of instance.
PREFIXES: dict[str, str] = {
    "cg": CG, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "skos": SKOS, "dct": DCT, "dcat": DCAT,
    "prov": PROV, "org": ORG, "m8g": M8G, "owl": OWL, "country": COUNTRY, "nuts": NUTS,
    "nace": NACE, "freq": FREQ, "dcmitype": DCMITYPE, "currency": CURRENCY, "schema": SCHEMA,
    **{s: f"{VOCAB}{s}/" for s in _SCHEMES},
    # instance kinds, with the prefixes data/be/ uses
    **{
        prefix: f"{ID}{kind}/"
        for prefix, kind in (
            ("policy", "policy"), ("strand", "strand"), ("orgid", "org"), ("prog", "programme"),
            ("obs", "observation"), ("agg", "agglomeration"), ("spec", "specialisation"),
            ("method", "method"), ("part", "participation"), ("period", "period"),
            ("ecl", "eurocluster"), ("ch", "challenge"), ("contrib", "contribution"),
            ("law", "legal-act"), ("doc", "document"), ("competence", "competence"),
            ("dataset", "dataset"), ("consortium", "consortium"),
            ("membership", "membership"),
        )
    },
}

_LOCAL = re.compile(r"[A-Za-z0-9_-](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )


# ---------------------------------------------------------------------------------------------
# Streaming writer: Turtle (one block per entity) or N-Quads (one line per triple)
# ---------------------------------------------------------------------------------------------


class _Writer:
    """One output file, written entity by entity; counts the triples it writes."""

    def __init__(self, path: Path, fmt: str, graph: str, header: str,
                 extra_prefixes: dict[str, str] | None = None) -> None:
        self.path = path
        self.nq = fmt == "nq"
        self.graph = f" <{graph}> .\n"
        self.count = 0
        self._bnodes = 0
        self._bnode_prefix = re.sub(r"[^A-Za-z0-9]", "", graph.removeprefix(BASE)) + "x" + (
            re.sub(r"[^A-Za-z0-9]", "", path.stem)
        )
        self._pending: list[str] = []
        self._cache: dict[str, str] = {}
        prefixes = {**PREFIXES, **(extra_prefixes or {})}
        self._ns = {ns: p for p, ns in prefixes.items()}
        # clustergraph.output: atomic, checked, never over a store's files
        self._out = OutputFile(path, text=True, buffering=1 << 20, durable=False)
        self.fh = self._out.file
        if not self.nq:
            for line in header.split("\n"):
                self.fh.write(f"# {line}\n")
            self.fh.write("\n")
            for p, ns in sorted(prefixes.items()):
                self.fh.write(f"@prefix {p}: <{ns}> .\n")
            self.fh.write("\n")

    # terms ---------------------------------------------------------------------------------
    def i(self, iri: str) -> str:
        """An IRI: a prefixed name in Turtle where one fits, else ``<...>``."""
        hit = self._cache.get(iri)
        if hit is not None:
            return hit
        if self.nq:
            out = f"<{iri}>"
        else:
            cut = max(iri.rfind("/"), iri.rfind("#")) + 1
            prefix = self._ns.get(iri[:cut])
            local = iri[cut:]
            out = f"{prefix}:{local}" if prefix and _LOCAL.fullmatch(local) else f"<{iri}>"
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[iri] = out
        return out

    def s(self, text: str, lang: str | None = "en") -> str:
        lit = f'"{_escape(text)}"'
        return f"{lit}@{lang}" if lang else lit

    def typed(self, lexical: str, datatype: str) -> str:
        return f'"{lexical}"^^{self.i(datatype)}'

    def int(self, n: int) -> str:
        return self.typed(str(n), XSD + "integer") if self.nq else str(n)

    def dec(self, x: float) -> str:
        lexical = f"{x:.1f}"
        return self.typed(lexical, XSD + "decimal") if self.nq else lexical

    def bool(self, b: bool) -> str:
        lexical = "true" if b else "false"
        return self.typed(lexical, XSD + "boolean") if self.nq else lexical

    def year(self, y: int | str) -> str:
        return self.typed(str(y), XSD + "gYear")

    def rdf_list(self, items: list[str]) -> str:
        """An rdf:List of rendered terms (2 triples per item)."""
        self.count += 2 * len(items)
        if not self.nq:
            return "( " + " ".join(items) + " )"
        labels = [f"_:{self._bnode_prefix}b{self._bnodes + k}" for k in range(len(items))]
        self._bnodes += len(items)
        first, rest, nil = f"<{RDF}first>", f"<{RDF}rest>", f"<{RDF}nil>"
        for k, (label, item) in enumerate(zip(labels, items, strict=True)):
            nxt = labels[k + 1] if k + 1 < len(labels) else nil
            self._pending.append(f"{label} {first} {item}{self.graph}")
            self._pending.append(f"{label} {rest} {nxt}{self.graph}")
        return labels[0]

    # statements ------------------------------------------------------------------------------
    def node(self, subject: str, *pairs: tuple[str, str | list[str]]) -> None:
        """One entity: (predicate, object or list of objects) pairs, predicates as IRIs."""
        if self.nq:
            s = f"<{subject}> "
            lines = []
            for p, o in pairs:
                pr = f"<{p}> "
                for obj in o if isinstance(o, list) else (o,):
                    lines.append(f"{s}{pr}{obj}{self.graph}")
            self.count += len(lines)
            if self._pending:
                lines += self._pending
                self._pending = []
            self.fh.write("".join(lines))
            return
        parts = []
        for p, o in pairs:
            objs = o if isinstance(o, list) else [o]
            self.count += len(objs)
            pred = "a" if p == RDF + "type" else self.i(p)
            parts.append(f"{pred} {', '.join(objs)}")
        self.fh.write(f"{self.i(subject)}\n    " + " ;\n    ".join(parts) + " .\n\n")

    def close(self) -> int:
        self._out.commit()
        return self.count

    def abort(self) -> None:
        self._out.abort()


# ---------------------------------------------------------------------------------------------
# Codes from the bundled vocabularies and reference data
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Codes:
    """The real code lists the generator draws from."""

    concepts: dict[str, list[str]]  # scheme name -> concept IRIs, sorted
    levels: dict[str, list[str]]  # state-of-play criterion IRI -> level IRIs by rank
    countries: list[tuple[str, str, str, str]]  # (EU code, country IRI, NUTS-0 IRI, label)
    nace_divisions: list[str]
    frequencies: list[str]
    eu_members: frozenset[str] = frozenset()  # country IRIs
    currencies: frozenset[str] = frozenset()  # currency IRIs of the reference table

    def of(self, scheme: str) -> list[str]:
        return self.concepts[scheme]

    def c(self, scheme: str, local: str) -> str:
        """One concept by its local name; fails loudly if the vocabulary lacks it."""
        iri = f"{VOCAB}{scheme}/{local}"
        if iri not in self.concepts[scheme]:
            raise RuntimeError(f"the {scheme} vocabulary has no concept {local!r}")
        return iri


@cache
def codes() -> Codes:
    store = ox.Store()
    for path in vocabulary_files() + reference_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)

    def rows(q: str) -> list[list[str]]:
        return [[t.value for t in r] for r in store.query(q)]

    concepts: dict[str, list[str]] = {s: [] for s in _SCHEMES}
    for scheme, concept in rows(
        f"SELECT ?s ?c WHERE {{ ?c <{SKOS}inScheme> ?s FILTER STRSTARTS(STR(?s), '{VOCAB}') }}"
        " ORDER BY ?s ?c"
    ):
        name = scheme.removeprefix(VOCAB)
        if name in concepts:
            concepts[name].append(concept)
    levels: dict[str, list[str]] = {}
    for crit, level in rows(
        f"SELECT ?crit ?l WHERE {{ ?l <{CG}levelOf> ?crit ; <{CG}levelRank> ?r }} ORDER BY ?crit ?r"
    ):
        levels.setdefault(crit, []).append(level)
    # EU member states first (the landscape's core), then the others, each by NUTS code.
    countries = [
        (code, country, region, label)
        for code, country, region, label in rows(
            f"SELECT ?code ?country ?region ?label WHERE {{ ?region a <{CG}Region> ; "
            f"<{CG}nutsLevel> 0 ; <{SKOS}notation> ?code ; <{CG}country> ?country . "
            f"?country <{SKOS}prefLabel> ?label FILTER (LANG(?label) = 'en') "
            f"OPTIONAL {{ ?country <{CG}isEUMemberState> ?eu }} }} "
            "ORDER BY DESC(COALESCE(?eu, false)) ?code"
        )
    ]
    nace = [
        r[0]
        for r in rows(
            f"SELECT ?d WHERE {{ ?d <{SKOS}inScheme> <{NACE}nace2> ; <{SKOS}notation> ?n "
            f"FILTER (STRLEN(?n) = 2 && REGEX(?n, '^[0-9]+$')) }} ORDER BY ?d"
        )
    ]
    freqs = [r[0] for r in rows(f"SELECT ?f WHERE {{ ?f <{SKOS}notation> ?n FILTER STRSTARTS(STR(?f), '{FREQ}') FILTER (?n IN ('ANNUAL', 'BIENNIAL')) }} ORDER BY ?f")]  # noqa: E501
    eu_members = frozenset(r[0] for r in rows(
        f"SELECT ?c WHERE {{ ?c <{CG}isEUMemberState> true }}"))
    currencies = frozenset(r[0] for r in rows(
        f"SELECT ?c WHERE {{ ?c <{SKOS}inScheme> <{CURRENCY.rstrip('/')}> }}"))
    missing = [s for s, cs in concepts.items() if not cs]
    if missing or not countries or not nace or not freqs:  # a broken bundle, not a user error
        raise RuntimeError(f"bundled vocabularies/reference data incomplete: {missing}")
    return Codes(concepts, levels, countries, nace, freqs, eu_members, currencies)


# ---------------------------------------------------------------------------------------------
# The landscape
# ---------------------------------------------------------------------------------------------

T = RDF + "type"
LABEL = RDFS + "label"
DERIVED = PROV + "wasDerivedFrom"
QUOTE = CG + "quotation"

PROG = ID + "programme/"
PERIOD = ID + "period/"
P_2014 = PERIOD + "2014-2020"
P_2021 = PERIOD + "2021-2027"
METHOD = ID + "method/eccp-regional-agglomerations"
DOC_FACTSHEETS = ID + "document/eccp-country-factsheets"
ORG_ECCP = ID + "org/eccp"
ORG_EC = ID + "org/european-commission"
SYNTH_NOTE = (
    "Synthetic data made by clustergraph generate for testing and benchmarking: not an ECCP "
    "factsheet, no statement in it is true."
)

# Factsheet parts: (local name, number, parent local name or None for the factsheet, class).
_PARTS = (
    ("section-1", "1", None, "Section", "Introduction and economic policy context"),
    ("section-2", "2", None, "Section", "Industrial ecosystems and cluster landscape"),
    ("section-2.1", "2.1", "section-2", "Section", "Employment in the 14 industrial ecosystems"),
    ("section-2.2", "2.2", "section-2", "Section", "Regional agglomerations"),
    ("section-2.3", "2.3", "section-2", "Section",
     "Cluster organisations & interregional cooperation"),
    ("section-3", "3", None, "Section", "National cluster policy, programmes and initiatives"),
    ("section-4", "4", None, "Section", "State of cluster policy"),
    ("section-4.1", "4.1", "section-4", "Section", "The state of cluster policy"),
    ("section-4.2", "4.2", "section-4", "Section", "Cluster policy and the European Semester"),
    ("annex", "Annex", None, "Section", "Annex"),
    ("figure-1", "1", "section-2.1", "Chart", "Employment across the industrial ecosystems"),
    ("table-1", "1", "section-2.2", "Table", "Regionally relevant sectoral agglomerations"),
    ("table-2", "2", "section-2.2", "Table", "Regionally relevant ecosystem agglomerations"),
    ("figure-2", "2", "section-2.3", "Chart", "Cluster organisations on the ECCP"),
    ("table-3", "3", "section-3", "Table", "Overview of cluster policy"),
    ("table-4", "4", "section-4.1", "Table", "State of play"),
    ("table-5", "5", "section-4.2", "Table", "Contribution to the European Semester challenges"),
    ("table-6", "6", "annex", "Table", "Analytical framework for the state of cluster policy"),
)

_EURO_MEASURES = ("public-support-raised", "private-co-funding", "additional-turnover")
_PERCENT_MEASURES = ("members-seeing-competitiveness-gain",)
_RESULT_MEASURES = (
    "projects", "rd-projects", "international-collaborations", "patent-applications",
    "licences-sold", "jobs-created", "companies-created", "companies-involved",
    "projects-initiated", "public-support-raised", "private-co-funding", "additional-turnover",
    "members-seeing-competitiveness-gain",
)


@dataclass
class _Country:
    index: int
    slug: str
    code: str
    iri: str
    region: str
    name: str
    fs: str  # namespace of the factsheet's parts
    factsheet: str
    policies: list[str] = field(default_factory=list)
    gov: str = ""
    agency: str = ""
    cluster_org_ecosystems: list[list[str]] = field(default_factory=list)
    member_counts: dict[str, int] = field(default_factory=dict)

    @property
    def currency(self) -> str:
        return CURRENCY + NATIONAL_CURRENCY.get(self.code, "EUR")

    @property
    def two_editions(self) -> bool:
        return self.index % 2 == 1


def _countries(n: int, code_list: Codes) -> list[_Country]:
    out = []
    refs = _country_order(code_list)
    for k in range(n):
        code, iri, region, name = refs[k % len(refs)]
        cycle = k // len(refs)
        slug = f"synth-{code.lower()}" + (f"-{cycle + 1}" if cycle else "")
        label = name + (f" ({cycle + 1})" if cycle else "")
        fs_iri = f"{ID}factsheet/{slug}-{EDITION}"
        out.append(_Country(k, slug, code, iri, region, label, fs_iri + "/", fs_iri))
    return out


def _country_order(code_list: Codes) -> list[tuple[str, str, str, str]]:
    """The reference countries in generation order: EU member states by code, except that the
    first non-member comes third, so that even a small landscape has a non-EU country."""
    refs = code_list.countries
    eu = [c for c in refs if c[1] in code_list.eu_members]
    other = [c for c in refs if c[1] not in code_list.eu_members]
    return eu[:2] + other[:1] + eu[2:] + other[1:]


class _Landscape:
    """Writes one landscape; ``files`` and ``triples`` grow as it goes."""

    def __init__(self, out: Path, fmt: str, seed: int, cluster_orgs: int, members: int,
                 header: str) -> None:
        self.out, self.fmt, self.seed = out, fmt, seed
        self.cluster_orgs, self.members = cluster_orgs, members
        self.header = header
        self.k = codes()
        self.files: list[Path] = []
        self.triples = 0
        self.euroclusters = [f"{ID}eurocluster/synth-{n:02d}" for n in range(1, EUROCLUSTERS + 1)]

    def rng(self, *parts: object) -> random.Random:
        # A string seed is hashed with SHA-512 by random.seed: stable across processes.
        return random.Random("/".join(str(p) for p in (self.seed, *parts)))

    def write(self, folder: str, name: str, graph_part: str, header: str,
              body: Callable[[_Writer], None], extra_prefixes: dict[str, str] | None = None
              ) -> None:
        d = self.out / folder if folder else self.out
        d.mkdir(parents=True, exist_ok=True)
        path = d / f"{name}.{self.fmt}"
        w = _Writer(path, self.fmt, layer_graph("data", graph_part),
                    f"{header}\n{SYNTH_NOTE}", extra_prefixes)
        try:
            body(w)
        except BaseException:
            w.abort()
            raise
        self.triples += w.close()
        self.files.append(path)

    # EU-wide ------------------------------------------------------------------------------
    def eu(self) -> None:
        k = self.k

        def sources(w: _Writer) -> None:
            w.node(DOC_FACTSHEETS, (T, w.i(CG + "SourceDocument")),
                   (LABEL, w.s("ECCP country factsheets on cluster policies and programmes "
                               "(synthetic)")),
                   (DCT + "publisher", w.i(ORG_ECCP)), (RDFS + "comment", w.s(SYNTH_NOTE)))
            for iri, label in ((ORG_ECCP, "European Cluster Collaboration Platform (ECCP)"),
                               (ORG_EC, "European Commission")):
                w.node(iri, (T, w.i(ORG + "Organization")), (LABEL, w.s(label)),
                       (DERIVED, w.i(DOC_FACTSHEETS)))

        def method(w: _Writer) -> None:
            w.node(METHOD, (T, w.i(CG + "AgglomerationMethod")),
                   (LABEL, w.s("ECCP method for regionally relevant agglomerations")),
                   (CG + "hasRule", [w.i(METHOD + "-lq"), w.i(METHOD + "-share")]),
                   (DERIVED, w.i(DOC_FACTSHEETS)))
            for suffix, label, ind, cmp, thr, unit, crit in (
                ("-lq", "LQ above 1.5: agglomeration", "location-quotient", "above", 1.5,
                 "location-quotient", "agglomeration"),
                ("-share", "At least 1 % of regional employment: regionally relevant",
                 "regional-employment-share", "at-least", 1.0, "percent", "regionally-relevant"),
            ):
                w.node(METHOD + suffix, (T, w.i(CG + "ThresholdRule")), (LABEL, w.s(label)),
                       (CG + "indicator", w.i(k.c("indicator", ind))),
                       (CG + "comparison", w.i(k.c("comparison", cmp))),
                       (CG + "threshold", w.dec(thr)), (CG + "unit", w.i(k.c("unit", unit))),
                       (CG + "classifiesAs", w.i(k.c("agglomeration-criterion", crit))),
                       (DERIVED, w.i(DOC_FACTSHEETS)))

        def programmes(w: _Writer) -> None:
            for iri, label, start, end in ((P_2014, "Funding period 2014-2020", 2014, 2020),
                                           (P_2021, "Funding period 2021-2027", 2021, 2027)):
                w.node(iri, (T, w.i(CG + "Period")), (LABEL, w.s(label)),
                       (DCAT + "startDate", w.year(start)), (DCAT + "endDate", w.year(end)),
                       (DERIVED, w.i(DOC_FACTSHEETS)))
            for local, label, period in (
                ("escp", "European Strategic Cluster Partnerships (ESCP)", P_2014),
                ("innosup-1", "INNOSUP-1 initiative", P_2014),
                ("single-market-programme", "Single Market Programme", P_2021),
            ):
                w.node(PROG + local, (T, w.i(CG + "Programme")), (LABEL, w.s(label)),
                       (CG + "fundingPeriod", w.i(period)), (DERIVED, w.i(DOC_FACTSHEETS)))
            w.node(PROG + "euroclusters", (T, w.i(CG + "Programme")),
                   (LABEL, w.s("Joint Cluster Initiatives (Euroclusters) for Europe's recovery")),
                   (CG + "fundedBy", w.i(PROG + "single-market-programme")),
                   (CG + "fundingPeriod", w.i(P_2021)), (DERIVED, w.i(DOC_FACTSHEETS)))
            for local, label in (("erdf", "European Regional Development Fund (ERDF)"),
                                 ("recovery-and-resilience-facility",
                                  "Recovery and Resilience Facility")):
                w.node(PROG + local, (T, w.i(CG + "Programme")), (LABEL, w.s(label)),
                       (DERIVED, w.i(DOC_FACTSHEETS)))
            for n, iri in enumerate(self.euroclusters, 1):
                w.node(iri, (T, w.i(CG + "Eurocluster")),
                       (LABEL, w.s(f"Synthetic Eurocluster {n:02d}", None)),
                       (CG + "fundedBy", w.i(PROG + "single-market-programme")),
                       (CG + "fundingPeriod", w.i(P_2021)), (DERIVED, w.i(DOC_FACTSHEETS)))

        head = "Synthetic landscape: EU-wide nodes every synthetic country refers to."
        self.write("synth-eu", "sources", "synth-eu", head, sources)
        self.write("synth-eu", "method", "synth-eu", head, method)
        self.write("synth-eu", "programmes", "synth-eu", head, programmes)

    # one country ------------------------------------------------------------------------
    def country(self, c: _Country) -> None:
        c.policies = [f"{ID}policy/{c.slug}-cluster-policy-{n}" for n in (1, 2)]
        c.gov = f"{ID}org/{c.slug}-government"
        c.agency = f"{ID}org/{c.slug}-innovation-agency"
        if c.currency not in self.k.currencies:  # a broken bundle, not a user error
            raise RuntimeError(f"the currency table has no {c.currency}")
        eco = self.k.of("industrial-ecosystem")
        r = self.rng(c.slug, "ecosystems")
        c.cluster_org_ecosystems = [r.sample(eco, 2) for _ in range(self.cluster_orgs)]
        prefixes = {"fs": c.fs}
        parts = (
            ("factsheet", self._factsheet), ("context", self._context),
            ("landscape", self._landscape), ("policies", self._policies),
            ("organisations", self._organisations),  # before the counts that describe them
            ("cluster-organisations", self._cluster_org_counts),
            ("cooperation", self._cooperation), ("state-of-play", self._state_of_play),
            ("semester", self._semester),
        )
        if c.two_editions:
            parts += ((f"edition-{NEXT_EDITION}", self._next_edition),)
        for name, fn in parts:
            head = f"Synthetic landscape: {c.name} ({c.slug}), {name}."
            self.write(c.slug, name, c.slug, head,
                       lambda w, fn=fn, name=name: fn(w, c, self.rng(c.slug, name)), prefixes)

    @staticmethod
    def _factsheet_node(w: _Writer, c: _Country, iri: str, edition: str, data_date: str,
                        *more: tuple) -> None:
        """A synthetic factsheet of ``edition`` (``more``: statements of a later edition)."""
        w.node(iri, (T, w.i(CG + "Factsheet")),
               (LABEL, w.s(f"Synthetic country factsheet {c.name} ({edition} edition)")),
               (DCT + "title", w.s(f"Country factsheet: {c.name} (synthetic)")),
               (DCT + "isPartOf", w.i(DOC_FACTSHEETS)), (DCT + "publisher", w.i(ORG_ECCP)),
               (DCT + "spatial", w.i(c.iri)), (CG + "country", w.i(c.iri)),
               (CG + "edition", w.year(edition)),
               (CG + "dataDate", w.typed(data_date, XSD + "date")),
               *more, (RDFS + "comment", w.s(SYNTH_NOTE)))

    def _factsheet(self, w: _Writer, c: _Country, r: random.Random) -> None:
        self._factsheet_node(w, c, c.factsheet, EDITION, DATA_DATE)
        for local, number, parent, cls, title in _PARTS:
            kind = "Annex" if local == "annex" else f"{local.split('-')[0].title()} {number}"
            w.node(c.fs + local, (T, w.i(CG + cls)),
                   (LABEL, w.s(f"{c.name} {EDITION}, {kind}: {title}")),
                   (DCT + "title", w.s(title)), (CG + "partNumber", w.s(number, None)),
                   (DCT + "isPartOf", w.i(c.fs + parent if parent else c.factsheet)))
        w.node(f"{ID}document/{c.slug}-semester-country-report-{EDITION}",
               (T, w.i(CG + "SourceDocument")),
               (LABEL, w.s(f"European Semester {EDITION} country report for {c.name} "
                           "(synthetic)")),
               (DCT + "identifier", w.s(f"SWD({EDITION}) {600 + c.index}", None)),
               (DCT + "publisher", w.i(ORG_EC)), (CG + "country", w.i(c.iri)),
               (DERIVED, w.i(c.fs + "section-4.2")))

    def _context(self, w: _Writer, c: _Country, r: random.Random) -> None:
        k = self.k
        s1 = w.i(c.fs + "section-1")
        w.node(f"{ID}competence/{c.slug}", (T, w.i(CG + "CompetenceAllocation")),
               (LABEL, w.s(f"{c.name}: allocation of the competence for cluster support")),
               (CG + "country", w.i(c.iri)),
               (CG + "competenceArea", [w.i(x) for x in r.sample(k.of("competence-area"), 2)]),
               (CG + "governanceLevel", w.i(r.choice(k.of("governance-level")))),
               (DERIVED, s1), (QUOTE, w.s("Synthetic statement on competences.")))
        rrp = f"{PROG}{c.slug}-recovery-and-resilience-plan"
        pillars = [f"{PROG}{c.slug}-rrp-pillar-{n}" for n in range(1, 5)]
        w.node(rrp, (T, w.i(CG + "RecoveryAndResiliencePlan")),
               (LABEL, w.s(f"{c.name}'s recovery and resilience plan")),
               (CG + "country", w.i(c.iri)), (CG + "coversArea", w.i(c.iri)),
               (CG + "fundedBy", w.i(PROG + "recovery-and-resilience-facility")),
               (CG + "hasPillar", [w.i(p) for p in pillars]),
               (CG + "mentionsClusters", w.bool(r.random() < 0.7)), (DERIVED, s1))
        for n, p in enumerate(pillars, 1):
            w.node(p, (T, w.i(CG + "Pillar")), (LABEL, w.s(f"Pillar {n}")),
                   (CG + "ordinal", w.int(n)), (DERIVED, s1))
        op = f"{PROG}{c.slug}-erdf-op-2021-2027"
        measure = f"{op}-rso1-1"
        w.node(op, (T, w.i(CG + "OperationalProgramme")),
               (LABEL, w.s(f"{c.name} ERDF OP 2021-2027")), (CG + "country", w.i(c.iri)),
               (CG + "coversArea", w.i(c.region)), (CG + "fundedBy", w.i(PROG + "erdf")),
               (CG + "fundingPeriod", w.i(P_2021)), (CG + "hasMeasure", w.i(measure)),
               (CG + "mentionsClusters", w.bool(True)), (DERIVED, s1))
        w.node(measure, (T, w.i(CG + "ProgrammeMeasure")),
               (LABEL, w.s("RSO1.1. Develop and strengthen research and innovation capacity")),
               (DCT + "identifier", w.s("RSO1.1", None)),
               (CG + "mentionsClusters", w.bool(True)), (DERIVED, s1),
               (QUOTE, w.s("Clusters are among the beneficiaries.")))

    def _obs(self, w: _Writer, iri: str, label: str, measure: str, area: str, value: int,
             derived: list[str], *dims: tuple[str, str], unit: str = "number",
             qualifier: str = "exact", method: bool = False, decimal: bool = False) -> None:
        k = self.k
        pairs = [(T, w.i(CG + "Observation")), (LABEL, w.s(label)),
                 (CG + "measure", w.i(k.c("measure", measure))), (CG + "refArea", w.i(area))]
        pairs += [(p, w.i(o)) for p, o in dims]
        pairs += [(CG + "value", w.dec(value) if decimal else w.int(value)),
                  (CG + "unit", w.i(k.c("unit", unit))),
                  (CG + "qualifier", w.i(k.c("qualifier", qualifier)))]
        if method:
            pairs.append((CG + "identifiedBy", w.i(METHOD)))
        pairs.append((DERIVED, [w.i(d) for d in derived]))
        w.node(iri, *pairs)

    def _landscape(self, w: _Writer, c: _Country, r: random.Random) -> None:
        k = self.k
        eco = k.of("industrial-ecosystem")
        for rank, e in enumerate(r.sample(eco, 3), 1):
            w.node(f"{ID}specialisation/{c.slug}-{EDITION}-{e.rsplit('/', 1)[1]}",
                   (T, w.i(CG + "EmploymentSpecialisation")),
                   (LABEL, w.s(f"{c.name} {EDITION}: ecosystem ranked {rank} by employment")),
                   (CG + "refArea", w.i(c.iri)), (CG + "ecosystem", w.i(e)),
                   (CG + "employmentRank", w.int(rank)),
                   (CG + "shareAboveEU", w.bool(r.random() < 0.5)),
                   (DERIVED, [w.i(c.fs + "section-2.1"), w.i(c.fs + "figure-1")]))
        obs = f"{ID}observation/{c.slug}-{EDITION}"
        agg = f"{ID}agglomeration/{c.slug}-{EDITION}-{c.code.lower()}"
        sectoral = r.randint(5, 30)
        for area, suffix, src in ((c.iri, "country", "section-2.2"),
                                  (c.region, c.code.lower(), "table-1")):
            self._obs(w, f"{obs}-sectoral-agglomerations-{suffix}",
                      f"{c.name} {EDITION}: {sectoral} sectoral agglomerations ({suffix})",
                      "sectoral-agglomerations", area, sectoral, [c.fs + src], method=True)
        for rank, nace in enumerate(r.sample(k.nace_divisions, 5), 1):
            w.node(f"{agg}-nace-{rank}", (T, w.i(CG + "Agglomeration")),
                   (LABEL, w.s(f"{c.code} agglomeration {rank}: NACE {nace.rsplit('/', 1)[1]}")),
                   (CG + "refArea", w.i(c.region)),
                   (CG + "agglomerationType", w.i(k.c("agglomeration-type", "sectoral"))),
                   (CG + "sector", w.i(nace)), (CG + "rank", w.int(rank)),
                   (CG + "identifiedBy", w.i(METHOD)), (DERIVED, w.i(c.fs + "table-1")))
        for area, suffix, src in ((c.iri, "country", "section-2.2"),
                                  (c.region, c.code.lower(), "table-2")):
            self._obs(w, f"{obs}-ecosystem-agglomerations-{suffix}",
                      f"{c.name} {EDITION}: 2 ecosystem agglomerations ({suffix})",
                      "ecosystem-agglomerations", area, 2, [c.fs + src], method=True)
        for rank, e in enumerate(r.sample(eco, 2), 1):
            w.node(f"{agg}-ecosystem-{rank}", (T, w.i(CG + "Agglomeration")),
                   (LABEL, w.s(f"{c.code} ecosystem agglomeration {rank}")),
                   (CG + "refArea", w.i(c.region)),
                   (CG + "agglomerationType", w.i(k.c("agglomeration-type", "ecosystem"))),
                   (CG + "ecosystem", w.i(e)), (CG + "rank", w.int(rank)),
                   (CG + "identifiedBy", w.i(METHOD)), (DERIVED, w.i(c.fs + "table-2")))

    def _organisations(self, w: _Writer, c: _Country, r: random.Random) -> None:
        k = self.k
        mtypes = k.of("member-type")
        weights = [{"smes": 80, "large-enterprises": 12}.get(m.rsplit("/", 1)[1], 8)
                   for m in mtypes]
        counts = dict.fromkeys(mtypes, 0)
        cls_org, cls_member = w.i(CG + "ClusterOrganisation"), w.i(ORG + "Organization")
        p_country, p_loc, p_mtype = CG + "country", CG + "locatedIn", CG + "memberType"
        country, region = w.i(c.iri), w.i(c.region)
        s23, f2 = w.i(c.fs + "section-2.3"), w.i(c.fs + "figure-2")
        org_type = w.i(k.c("organisation-type", "cluster-organisation"))
        rendered_types = {m: w.i(m) for m in mtypes}
        for n, ecos in enumerate(c.cluster_org_ecosystems, 1):
            iri = f"{ID}org/{c.slug}-cluster-{n}"
            member_iris = [f"{iri}-member-{m}" for m in range(1, self.members + 1)]
            w.node(iri, (T, cls_org), (LABEL, w.s(f"Synthetic cluster {n} of {c.name}")),
                   (CG + "organisationType", org_type), (p_country, country),
                   (p_loc, region), (CG + "ecosystem", [w.i(e) for e in ecos]),
                   (CG + "supportedUnder", w.i(c.policies[n % 2])),
                   (DERIVED, [s23, f2]), (ORG + "hasMember", [w.i(m) for m in member_iris]))
            for m, member in enumerate(member_iris, 1):
                mtype = r.choices(mtypes, weights)[0]
                counts[mtype] += 1
                w.node(member, (T, cls_member),
                       (LABEL, w.s(f"Member {m} of synthetic cluster {n} of {c.name}")),
                       (p_mtype, rendered_types[mtype]), (p_country, country),
                       (p_loc, region), (DERIVED, s23))
        c.member_counts = {m.rsplit("/", 1)[1]: counts[m] for m in mtypes}

    def _cluster_org_counts(self, w: _Writer, c: _Country, r: random.Random) -> None:
        k = self.k
        obs = f"{ID}observation/{c.slug}-{EDITION}"
        s23 = c.fs + "section-2.3"
        n = self.cluster_orgs
        self._obs(w, f"{obs}-cluster-organisations-country",
                  f"{c.name} {EDITION}: {n} cluster organisations on the ECCP",
                  "cluster-organisations", c.iri, n, [s23])
        self._obs(w, f"{obs}-cluster-organisations-{c.code.lower()}",
                  f"{c.code} {EDITION}: {n} cluster organisations on the ECCP",
                  "cluster-organisations", c.region, n, [s23, c.fs + "figure-2"])
        mc = c.member_counts
        member = "member-type"
        companies = mc["smes"] + mc["large-enterprises"]
        self._obs(w, f"{obs}-companies-represented",
                  f"{c.name} {EDITION}: {companies} companies represented",
                  "companies-represented", c.iri, companies, [s23])
        for local in ("large-enterprises", "smes"):
            self._obs(w, f"{obs}-companies-represented-{local}",
                      f"{c.name} {EDITION}: {mc[local]} companies represented ({local})",
                      "companies-represented", c.iri, mc[local], [s23],
                      (CG + "memberType", k.c(member, local)))
        total = sum(mc.values())
        shares = [round(100 * mc[t] / total, 1) for t in ("smes", "large-enterprises")]
        shares.append(round(100 - sum(shares), 1))
        for local, share in zip(("smes", "large-enterprises", "research-organisations"), shares,
                                strict=True):
            self._obs(w, f"{obs}-member-share-{local}",
                      f"{c.name} {EDITION}: {local} are {share:.1f} % of members",
                      "member-share", c.iri, share, [s23],
                      (CG + "memberType", k.c(member, local)), unit="percent", decimal=True)
        per_eco = {e: 0 for e in k.of("industrial-ecosystem")}
        for ecos in c.cluster_org_ecosystems:
            for e in ecos:
                per_eco[e] += 1
        for e, count in per_eco.items():
            self._obs(w, f"{obs}-cluster-organisations-{e.rsplit('/', 1)[1]}",
                      f"{c.name} {EDITION}: {count} cluster organisations in "
                      f"{e.rsplit('/', 1)[1]}",
                      "cluster-organisations", c.iri, count, [s23], (CG + "ecosystem", e))

    def _policies(self, w: _Writer, c: _Country, r: random.Random) -> None:
        k = self.k
        t3 = w.i(c.fs + "table-3")
        for iri, label, otype in ((c.gov, f"Government of {c.name}", "government"),
                                  (c.agency, f"Innovation agency of {c.name}",
                                   "government-agency")):
            w.node(iri, (T, [w.i(M8G + "PublicOrganisation"), w.i(ORG + "Organization")]),
                   (LABEL, w.s(f"{label} (synthetic)")),
                   (CG + "organisationType", w.i(k.c("organisation-type", otype))),
                   (CG + "country", w.i(c.iri)), (DERIVED, t3))
        for n, p in enumerate(c.policies, 1):
            self._policy(w, c, r, n, p, t3)

    def _policy(self, w: _Writer, c: _Country, r: random.Random, n: int, p: str,
                t3: str) -> None:
        k = self.k
        name = f"Synthetic cluster policy {n} of {c.name}"
        roles = [(c.agency, "drafting-and-implementation", "agency"),
                 (c.gov, "funding", "government"), (c.agency, "oversight", "agency")]
        role_iris = [f"{p}-role-{who}-{role}" for _, role, who in roles]
        instruments = r.sample(k.of("instrument-type"), 4)
        instrument_iris = [f"{p}-instrument-{i.rsplit('/', 1)[1]}" for i in instruments]
        strands = [f"{ID}strand/{p.rsplit('/', 1)[1]}-strand-{s}" for s in (1, 2)]
        budgets = [f"{p}-budget-annual", f"{p}-budget-overall"]
        funding = [f"{p}-funding-public", f"{p}-funding-private"]
        results = [f"{p}-result-{m}" for m in r.sample(_RESULT_MEASURES, 4)]
        law = f"{ID}legal-act/{p.rsplit('/', 1)[1]}-decree"
        start = r.randint(2000, 2020)
        w.node(p, (T, w.i(CG + "ClusterPolicy")), (LABEL, w.s(name)),
               (CG + "policyType", w.i(k.c("policy-type", "national"))),
               (CG + "country", w.i(c.iri)), (CG + "coversArea", w.i(c.iri)),
               (CG + "hasObjective", [w.i(o) for o in r.sample(k.of("objective"), 4)]),
               (DCT + "description", w.s(f"Objectives of {name}.")),
               (CG + "hasFocus", w.i(p + "-focus")),
               (CG + "hasAuthorityRole", [w.i(x) for x in role_iris]),
               (CG + "legalBasis", w.i(law)),
               (CG + "hasBeneficiaryType",
                [w.i(b) for b in r.sample(k.of("beneficiary-type"), 4)]),
               (CG + "hasInstrument", [w.i(x) for x in instrument_iris]),
               (CG + "hasStrand", [w.i(x) for x in strands]),
               (DCT + "temporal", w.i(p + "-period")),
               (CG + "hasBudget", [w.i(x) for x in budgets]),
               (CG + "hasFundingSource", [w.i(x) for x in funding]),
               (CG + "hasEvaluation", w.i(p + "-evaluation")),
               (CG + "alignedWith", [w.i(x) for x in r.sample(k.of("eu-priority"), 2)]),
               *self._parts_of(w, c, p, n),
               (DERIVED, [t3, w.i(c.fs + "section-3")]),
               (QUOTE, w.s(f"The {name} supports cluster organisations.")))
        if n == 1:
            if c.two_editions:
                self._sub_programme(w, c, p, name)
            self._support_levels(w, c, r, p, name, t3)
        else:
            self._phases(w, c, r, p, name, t3)
        domains = [f"{p}-domain-{d}" for d in (1, 2, 3)]
        w.node(p + "-focus", (T, w.i(CG + "PolicyFocus")), (LABEL, w.s(f"Focus of {name}")),
               (CG + "focusType", w.i(k.c("policy-focus", "sectoral"))),
               (CG + "statedCount", w.int(3)), (CG + "priorityDomain", [w.i(d) for d in domains]),
               (DERIVED, t3))
        for o, d in enumerate(domains, 1):
            w.node(d, (T, w.i(CG + "PriorityDomain")), (LABEL, w.s(f"Priority domain {o}")),
                   (CG + "ordinal", w.int(o)),
                   (CG + "relatedEcosystem", w.i(r.choice(k.of("industrial-ecosystem")))),
                   (CG + "relatedSector", w.i(r.choice(k.nace_divisions))),
                   (CG + "evidence", w.i(k.c("evidence", "curated-mapping"))), (DERIVED, t3))
        for iri, (who, role, _) in zip(role_iris, roles, strict=True):
            w.node(iri, (T, w.i(CG + "AuthorityRole")), (LABEL, w.s(f"{role} of {name}")),
                   (CG + "authority", w.i(who)), (CG + "role", w.i(k.c("authority-role", role))),
                   (CG + "evidence", w.i(k.c("evidence", "stated-in-table"))), (DERIVED, t3))
        w.node(law, (T, w.i(CG + "LegalAct")), (LABEL, w.s(f"Decree establishing {name}")),
               (DCT + "issued", w.typed(f"{start}-0{r.randint(1, 9)}-1{r.randint(0, 9)}",
                                        XSD + "date")), (DERIVED, t3))
        for iri, itype in zip(instrument_iris, instruments, strict=True):
            w.node(iri, (T, w.i(CG + "InstrumentProvision")),
                   (LABEL, w.s(f"{name}: {itype.rsplit('/', 1)[1]}")),
                   (CG + "instrumentType", w.i(itype)), (DERIVED, t3))
        for s, strand in enumerate(strands, 1):
            w.node(strand, (T, w.i(CG + "PolicyStrand")), (LABEL, w.s(f"Strand {s} of {name}")),
                   (DCT + "description", w.s(f"Strand {s}.")),
                   (DCT + "temporal", w.i(strand + "-period")),
                   (CG + "coversArea", w.i(c.region)), (DERIVED, t3))
            s_start = start + r.randint(0, 3)
            w.node(strand + "-period", (T, w.i(CG + "Period")),
                   (LABEL, w.s(f"Period of strand {s} of {name}")),
                   (CG + "periodType", w.i(k.c("period-type", "limited"))),
                   (DCAT + "startDate", w.year(s_start)),
                   (DCAT + "endDate", w.year(s_start + r.randint(3, 10))), (DERIVED, t3))
        limited = r.random() < 0.5
        w.node(p + "-period", (T, w.i(CG + "Period")), (LABEL, w.s(f"Period of {name}")),
               (CG + "periodType", w.i(k.c("period-type", "limited" if limited else "unlimited"))),
               (DCAT + "startDate", w.year(start)),
               (DCAT + "endDate", w.year(start + r.randint(5, 12))) if limited
               else (QUOTE, w.s("No indication that the policy is limited")),
               (DERIVED, t3))
        for iri, btype in zip(budgets, ("annual", "overall"), strict=True):
            known = r.random() < 0.5
            amount = r.randint(1, 500) * 100_000 * (1 if btype == "annual" else 6)
            w.node(iri, (T, w.i(CG + "Budget")), (LABEL, w.s(f"{btype} budget of {name}")),
                   (CG + "budgetType", w.i(k.c("budget-type", btype))),
                   *(((CG + "amount", w.dec(amount)), (CG + "currency", w.i(c.currency)))
                     if known else
                     ((CG + "dataAvailability",
                       w.i(k.c("data-availability", "no-data-available"))),
                      (QUOTE, w.s("No data available")))),
                   (DERIVED, t3))
        public = r.choice((50, 60, 70, 80, 100))
        w.node(funding[0], (T, w.i(CG + "FundingSource")),
               (LABEL, w.s(f"{name}: {public} % public funding")),
               (CG + "fundingSourceType", w.i(k.c("funding-source-type", "public"))),
               (CG + "funder", w.i(c.gov)), (CG + "share", w.dec(public)), (DERIVED, t3))
        w.node(funding[1], (T, w.i(CG + "FundingSource")),
               (LABEL, w.s(f"{name}: {100 - public} % private funding")),
               (CG + "fundingSourceType", w.i(k.c("funding-source-type", "private"))),
               (DCT + "description", w.s("Private contributions from businesses.")),
               (CG + "share", w.dec(100 - public)), (DERIVED, t3))
        w.node(p + "-evaluation", (T, w.i(CG + "Evaluation")),
               (LABEL, w.s(f"Evaluation of {name}")),
               (CG + "evaluationAvailability", w.i(r.choice(k.of("evaluation-availability")))),
               (CG + "frequency", w.i(r.choice(k.frequencies))),
               (DCT + "description", w.s("Regular evaluation of the supported clusters.")),
               (CG + "hasResult", [w.i(x) for x in results]),
               (DERIVED, [t3, w.i(c.fs + "section-4.1")]))
        for iri in results:
            m = iri.rsplit("-result-", 1)[1]
            unit = "eur" if m in _EURO_MEASURES else "percent" if m in _PERCENT_MEASURES \
                else "number"
            value: str
            if unit == "number":
                value = w.int(r.randint(1, 5000))
            elif unit == "percent":
                value = w.dec(r.randint(10, 95))
            else:
                value = w.dec(r.randint(1, 900) * 1_000_000)
            w.node(iri, (T, w.i(CG + "EvaluationResult")), (LABEL, w.s(f"{m} of {name}")),
                   (CG + "measure", w.i(k.c("measure", m))), (CG + "value", value),
                   (CG + "unit", w.i(k.c("unit", unit))),
                   (CG + "qualifier", w.i(r.choice(k.of("qualifier")))),
                   (CG + "refArea", w.i(c.iri)), (DERIVED, t3))

    # policies made of parts (issue 12) -------------------------------------------------
    def _parts_of(self, w: _Writer, c: _Country, p: str,
                  n: int) -> list[tuple[str, str | list[str]]]:
        """Policy 1 has two support levels (and, in every second country, a sub-programme),
        policy 2 two phases."""
        if n == 1:
            sub = [(CG + "hasPart", w.i(p + "-sub-programme"))] if c.two_editions else []
            return [*sub, (CG + "hasSupportLevel", [w.i(f"{p}-level-{x}") for x in (1, 2)])]
        return [(CG + "hasPhase", [w.i(f"{p}-phase-{x}") for x in (1, 2)])]

    def _sub_programme(self, w: _Writer, c: _Country, p: str, name: str) -> None:
        """A sub-programme cited from a ministry's web page (not the factsheet), which is
        silent on everything a factsheet profiles: recorded with cg:notStated."""
        k = self.k
        page = f"{ID}document/{c.slug}-sub-programme-page"
        w.node(page, (T, w.i(CG + "WebPage")),
               (LABEL, w.s(f"Web page of the sub-programme of {name}")),
               (SCHEMA + "url", w.i(f"https://example.org/synthetic/{c.slug}/sub-programme")),
               (CG + "sourceType", w.i(k.c("source-type", "official-national"))),
               (DCT + "publisher", w.i(c.gov)), (CG + "country", w.i(c.iri)),
               (CG + "retrievalDate", w.typed(RETRIEVED, XSD + "date")))
        silent = [CG + "hasAuthorityRole", DCT + "temporal", CG + "hasObjective",
                  CG + "hasFocus", CG + "hasBeneficiaryType", CG + "hasInstrument",
                  CG + "hasBudget", CG + "hasFundingSource", CG + "hasEvaluation",
                  CG + "alignedWith"]
        w.node(p + "-sub-programme", (T, w.i(CG + "ClusterPolicy")),
               (LABEL, w.s(f"Sub-programme of {name}")),
               (CG + "isPartOf", w.i(p)),
               (CG + "partType", w.i(k.c("policy-part-type", "sub-programme"))),
               (CG + "policyType", w.i(k.c("policy-type", "national"))),
               (CG + "country", w.i(c.iri)), (CG + "coversArea", w.i(c.iri)),
               (CG + "notStated", [w.i(x) for x in silent]), (DERIVED, w.i(page)))

    def _support_levels(self, w: _Writer, c: _Country, r: random.Random, p: str, name: str,
                        t3: str) -> None:
        """Two tiers, each with its budget (national currency) and its number of clusters."""
        k = self.k
        for x in (1, 2):
            level = f"{p}-level-{x}"
            w.node(level, (T, w.i(CG + "SupportLevel")),
                   (LABEL, w.s(f"Level {x} of {name}")), (CG + "levelRank", w.int(x)),
                   (CG + "hasBudget", w.i(level + "-budget")), (DERIVED, t3))
            w.node(level + "-budget", (T, w.i(CG + "Budget")),
                   (LABEL, w.s(f"Annual budget of level {x} of {name}")),
                   (CG + "budgetType", w.i(k.c("budget-type", "annual"))),
                   (CG + "amount", w.dec(r.randint(1, 50) * 10_000 * x)),
                   (CG + "currency", w.i(c.currency)), (DERIVED, t3))
            self._obs(w, f"{ID}observation/{c.slug}-{EDITION}-{p.rsplit('/', 1)[1]}-level-{x}",
                      f"{c.name} {EDITION}: clusters at level {x} of {name}",
                      "cluster-organisations", c.iri, r.randint(1, 20), [c.fs + "table-3"],
                      (CG + "supportLevel", level))

    def _phases(self, w: _Writer, c: _Country, r: random.Random, p: str, name: str,
                t3: str) -> None:
        """Two successive phases, each with its period (the second to the day) and its
        number of clusters labelled."""
        k = self.k
        start = r.randint(2010, 2016)
        for x in (1, 2):
            phase = f"{p}-phase-{x}"
            w.node(phase, (T, w.i(CG + "Phase")), (LABEL, w.s(f"Phase {x} of {name}")),
                   (CG + "ordinal", w.int(x)), (DCT + "temporal", w.i(phase + "-period")),
                   (DERIVED, t3))
            first, last = start + 4 * (x - 1), start + 4 * x - 1
            dates = ((w.year(first), w.year(last)) if x == 1 else
                     (w.typed(f"{first}-01-01", XSD + "date"),
                      w.typed(f"{last}-12-31", XSD + "date")))
            w.node(phase + "-period", (T, w.i(CG + "Period")),
                   (LABEL, w.s(f"Period of phase {x} of {name}")),
                   (CG + "periodType", w.i(k.c("period-type", "limited"))),
                   (DCAT + "startDate", dates[0]), (DCAT + "endDate", dates[1]), (DERIVED, t3))
            self._obs(w, self._phase_obs(c, p, x, EDITION),
                      f"{c.name} {EDITION}: clusters labelled in phase {x} of {name}",
                      "cluster-organisations", c.iri, r.randint(1, 30), [c.fs + "table-3"],
                      (CG + "phase", phase))

    @staticmethod
    def _phase_obs(c: _Country, p: str, x: int, edition: str) -> str:
        return f"{ID}observation/{c.slug}-{edition}-{p.rsplit('/', 1)[1]}-phase-{x}"

    def _next_edition(self, w: _Writer, c: _Country, r: random.Random) -> None:
        """The later edition of a country's factsheet: lasting things keep their IRIs; what
        this edition states (here the clusters of phase 1, revised) hangs from its parts."""
        factsheet = f"{ID}factsheet/{c.slug}-{NEXT_EDITION}"
        self._factsheet_node(w, c, factsheet, NEXT_EDITION, NEXT_DATA_DATE,
                             (CG + "previousEdition", w.i(c.factsheet)))
        section = f"{factsheet}/section-3"
        w.node(section, (T, w.i(CG + "Section")),
               (LABEL, w.s(f"{c.name} {NEXT_EDITION}, Section 3: National cluster policy")),
               (DCT + "title", w.s("National cluster policy, programmes and initiatives")),
               (CG + "partNumber", w.s("3", None)), (DCT + "isPartOf", w.i(factsheet)))
        p = c.policies[1]
        self._obs(w, self._phase_obs(c, p, 1, NEXT_EDITION),
                  f"{c.name} {NEXT_EDITION}: clusters labelled in phase 1 (revised)",
                  "cluster-organisations", c.iri, r.randint(1, 30), [section],
                  (CG + "phase", f"{p}-phase-1"))

    def _consortium(self, w: _Writer, c: _Country, r: random.Random, eurocluster: str) -> None:
        """An ESCP consortium coordinated by cluster 1 with the innovation agency as partner
        (memberships with roles), partner countries, a budget in euros, dates to the day;
        and cluster 1's membership of one Eurocluster of the shared layer."""
        k = self.k
        s23 = w.i(c.fs + "section-2.3")
        cons = f"{ID}consortium/{c.slug}-escp-1"
        others = [iri for _, iri, _, _ in k.countries if iri != c.iri]
        year = r.randint(2016, 2019)
        w.node(cons, (T, w.i(CG + "Consortium")),
               (LABEL, w.s(f"Synthetic ESCP consortium of {c.name}")),
               (CG + "programme", w.i(PROG + "escp")),
               (CG + "partnerCountry", [w.i(x) for x in sorted(r.sample(others, 2))]),
               (CG + "statedMemberCount", w.int(2)), (DCT + "temporal", w.i(cons + "-period")),
               (CG + "hasBudget", w.i(cons + "-budget")), (DERIVED, s23))
        w.node(cons + "-period", (T, w.i(CG + "Period")),
               (LABEL, w.s(f"Period of the ESCP consortium of {c.name}")),
               (CG + "periodType", w.i(k.c("period-type", "limited"))),
               (DCAT + "startDate", w.typed(f"{year}-01-01", XSD + "date")),
               (DCAT + "endDate", w.typed(f"{year + 2}-12-31", XSD + "date")), (DERIVED, s23))
        w.node(cons + "-budget", (T, w.i(CG + "Budget")),
               (LABEL, w.s(f"Budget of the ESCP consortium of {c.name}")),
               (CG + "budgetType", w.i(k.c("budget-type", "overall"))),
               (CG + "amount", w.dec(r.randint(2, 20) * 50_000)),
               (CG + "currency", w.i(CURRENCY + "EUR")), (DERIVED, s23))
        cluster = f"{ID}org/{c.slug}-cluster-1"
        for member, org, role in ((cluster, cons, "coordinator"), (c.agency, cons, "partner"),
                                  (cluster, eurocluster, "partner")):
            local = org.rsplit("/", 1)[1]
            w.node(f"{ID}membership/{member.rsplit('/', 1)[1]}-{local}",
                   (T, w.i(ORG + "Membership")), (ORG + "member", w.i(member)),
                   (ORG + "organization", w.i(org)),
                   (ORG + "role", w.i(k.c("consortium-role", role))), (DERIVED, s23))

    def _cooperation(self, w: _Writer, c: _Country, r: random.Random) -> None:
        k = self.k
        s23 = c.fs + "section-2.3"
        others = [iri for _, iri, _, _ in k.countries if iri != c.iri]
        part = f"{ID}participation/{c.slug}-{EDITION}"
        obs = f"{ID}observation/{c.slug}-{EDITION}"
        for prog, label, size in (("escp", "the European Strategic Cluster Partnerships", 8),
                                  ("innosup-1", "INNOSUP-1", 6)):
            partners = r.sample(others, size)
            w.node(f"{part}-{prog}", (T, w.i(CG + "ProgrammeParticipation")),
                   (LABEL, w.s(f"Cluster organisations of {c.name} in {label} (2014-2020)")),
                   (CG + "participantCountry", w.i(c.iri)), (CG + "programme", w.i(PROG + prog)),
                   (CG + "fundingPeriod", w.i(P_2014)),
                   (CG + "statedPartnerCountryCount", w.int(size)),
                   (CG + "partnerCountries", w.rdf_list([w.i(x) for x in partners])),
                   (DERIVED, w.i(s23)))
            dims = ((CG + "programme", PROG + prog), (CG + "refPeriod", P_2014))
            if prog == "escp":
                by_type = {t: r.randint(0, 20) for t in k.of("partnership-type")}
                self._obs(w, f"{obs}-escp-consortia", f"{c.name}: ESCP consortia",
                          "consortia", c.iri, sum(by_type.values()), [s23], *dims)
                for t, v in by_type.items():
                    self._obs(w, f"{obs}-escp-consortia-{t.rsplit('/', 1)[1]}",
                              f"{c.name}: ESCP consortia of type {t.rsplit('/', 1)[1]}",
                              "consortia", c.iri, v, [s23], *dims, (CG + "partnershipType", t))
            else:
                self._obs(w, f"{obs}-innosup-1-participants",
                          f"{c.name}: cluster organisations in INNOSUP-1",
                          "participating-cluster-organisations", c.iri,
                          r.randint(1, self.cluster_orgs), [s23], *dims)
        ecl = r.sample(self.euroclusters, 3)
        ecos = r.sample(k.of("industrial-ecosystem"), 3)
        w.node(f"{part}-euroclusters", (T, w.i(CG + "ProgrammeParticipation")),
               (LABEL, w.s(f"Clusters of {c.name} in the Euroclusters (2021-2027)")),
               (CG + "participantCountry", w.i(c.iri)),
               (CG + "programme", w.i(PROG + "euroclusters")), (CG + "fundingPeriod", w.i(P_2021)),
               (CG + "eurocluster", [w.i(x) for x in ecl]),
               (CG + "statedEuroclusterCount", w.int(3)),
               (CG + "ecosystem", [w.i(x) for x in ecos]), (CG + "statedEcosystemCount", w.int(3)),
               (CG + "statedPartnerCountryCount", w.int(5)),
               (CG + "partnerCountries", w.rdf_list([w.i(x) for x in r.sample(others, 5)])),
               (DERIVED, w.i(s23)))
        self._obs(w, f"{obs}-eurocluster-participants", f"{c.name}: clusters in Euroclusters",
                  "participating-cluster-organisations", c.iri, r.randint(1, self.cluster_orgs),
                  [s23], (CG + "programme", PROG + "euroclusters"), (CG + "refPeriod", P_2021))
        self._consortium(w, c, r, ecl[0])

    def _state_of_play(self, w: _Writer, c: _Country, r: random.Random) -> None:
        k = self.k
        derived = [w.i(c.fs + "table-4"), w.i(c.fs + "section-4.1")]
        assessment = f"{ID}assessment/{c.slug}-{EDITION}"
        criteria = k.of("state-of-play-criterion")
        scores = [f"{assessment}/{x.rsplit('/', 1)[1]}" for x in criteria]
        w.node(assessment, (T, w.i(CG + "StateOfPlayAssessment")),
               (LABEL, w.s(f"State of play of cluster policy in {c.name}, {EDITION}")),
               (CG + "country", w.i(c.iri)), (CG + "assessedIn", w.i(c.factsheet)),
               (CG + "hasScore", [w.i(x) for x in scores]), (DERIVED, derived),
               (QUOTE, w.s("Synthetic overview of the state of play.")))
        for crit, score in zip(criteria, scores, strict=True):
            w.node(score, (T, w.i(CG + "CriterionScore")),
                   (LABEL, w.s(f"{c.name} {EDITION}, {crit.rsplit('/', 1)[1]}")),
                   (CG + "criterion", w.i(crit)), (CG + "level", w.i(r.choice(k.levels[crit]))),
                   (CG + "evidence", w.i(k.c("evidence", "stated-in-table"))),
                   (DERIVED, derived))
        s41 = w.i(c.fs + "section-4.1")
        for n, p in enumerate(c.policies, 1):
            pred = f"{p}-predecessor"
            w.node(p, (CG + "hasPredecessor", w.i(pred)))
            w.node(pred, (T, w.i(CG + "Policy")),
                   (LABEL, w.s(f"Predecessor of synthetic cluster policy {n} of {c.name}")),
                   (DCT + "description", w.s("An earlier cluster programme.")),
                   (CG + "country", w.i(c.iri)), (CG + "coversArea", w.i(c.iri)),
                   (DCT + "temporal", w.i(pred + "-period")), (DERIVED, s41))
            w.node(pred + "-period", (T, w.i(CG + "Period")),
                   (LABEL, w.s("Start of the predecessor policy")),
                   (DCAT + "startDate", w.year(r.randint(1988, 1999))), (DERIVED, s41))

    def _semester(self, w: _Writer, c: _Country, r: random.Random) -> None:
        k = self.k
        t5 = w.i(c.fs + "table-5")
        report = f"{ID}document/{c.slug}-semester-country-report-{EDITION}"
        challenges = [f"{ID}challenge/{c.slug}-{EDITION}-challenge-{n}" for n in (1, 2, 3)]
        for n, ch in enumerate(challenges, 1):
            w.node(ch, (T, w.i(CG + "SemesterChallenge")), (LABEL, w.s(f"Challenge {n}")),
                   (CG + "policyArea", w.i(r.choice(k.of("semester-policy-area")))),
                   (CG + "country", w.i(c.iri)), (CG + "identifiedIn", w.i(report)),
                   (DERIVED, t5))
        contrib = f"{ID}contribution/{c.slug}-{EDITION}"
        policies = [w.i(p) for p in c.policies]
        w.node(f"{contrib}-1", (T, w.i(CG + "PolicyContribution")),
               (LABEL, w.s("Cluster policies address challenges 1 and 2")),
               (CG + "addressesChallenge", [w.i(x) for x in challenges[:2]]),
               (CG + "contributingPolicy", policies),
               (DCT + "description", w.s("Synthetic contribution.")), (DERIVED, t5))
        w.node(f"{contrib}-2", (T, w.i(CG + "PolicyContribution")),
               (LABEL, w.s("Cluster policies address challenge 3")),
               (CG + "addressesChallenge", w.i(challenges[2])),
               (CG + "contributingPolicy", policies),
               (CG + "exampleOrganisation",
                w.i(f"{ID}org/{c.slug}-cluster-{r.randint(1, self.cluster_orgs)}")),
               (DCT + "description", w.s("Synthetic contribution with an example.")),
               (DERIVED, t5))

    # the record of what this is ---------------------------------------------------------
    def metadata(self, params: dict[str, object], command: str) -> None:
        seed = params["seed"]
        dataset = (f"{ID}dataset/synthetic-landscape-{params['countries']}-"
                   f"{params['cluster_orgs']}-{params['members']}-seed-{seed}")
        activity = dataset + "-generation"
        software = f"{ID}dataset/clustergraph-generate-{__version__}"

        def body(w: _Writer) -> None:
            w.node(dataset, (T, [w.i(DCAT + "Dataset"), w.i(PROV + "Entity")]),
                   (DCT + "title", w.s("Synthetic cluster-policy landscape")),
                   (DCT + "type", w.i(DCMITYPE + "Dataset")),
                   (DCAT + "keyword", w.s("synthetic")),
                   (RDFS + "comment", w.s(SYNTH_NOTE)),
                   (DCT + "description", w.s(
                       f"{params['countries']} synthetic countries, {params['cluster_orgs']} "
                       f"cluster organisations each with {params['members']} members; seed "
                       f"{seed}; {params['triples']} triples in total.")),
                   (PROV + "wasGeneratedBy", w.i(activity)))
            w.node(activity, (T, w.i(PROV + "Activity")),
                   (LABEL, w.s("clustergraph generate", None)),
                   (DCT + "description", w.s(command, None)),
                   (PROV + "wasAssociatedWith", w.i(software)))
            w.node(software, (T, w.i(PROV + "SoftwareAgent")),
                   (LABEL, w.s(f"clustergraph {__version__}", None)),
                   (OWL + "versionInfo", w.s(__version__, None)),
                   (RDFS + "seeAlso", w.i(BASE)))

        self.write("", "synthetic-dataset", "synth-meta",
                   "Synthetic landscape: what it is and how it was made.", body)


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GenerationReport:
    output: Path
    triples: int
    files: int
    seconds: float


def _readme(params: dict[str, object], command: str, fmt: str) -> str:
    return f"""# Synthetic cluster-policy landscape

**This is synthetic data.** It was made by `clustergraph generate` to test and benchmark
clustergraph at scale. It imitates the structure of the ECCP country factsheets as encoded in
clustergraph's `data/be/` (policies, landscape, cluster organisations and their members,
cooperation, state of play, semester), but no statement in it is true. Do not publish it as
data, do not mix it into `data/`.

It uses real identifiers only for what they identify: concepts of clustergraph's
vocabularies, EU countries and NUTS level-0 regions, NACE Rev. 2 divisions, the EU
programmes and funding periods. Everything else has `synth-` in its IRI.

| parameter | value |
|---|---|
| countries | {params['countries']} |
| cluster organisations per country | {params['cluster_orgs']} |
| members per cluster organisation | {params['members']} |
| seed | {params['seed']} |
| format | {fmt} |
| generator | clustergraph {__version__} |
| triples | {params['triples']} |

Made with:

    {command}

The same command with the same clustergraph version writes byte-identical files.
`synthetic-dataset.{fmt}` says the same in RDF (`dct:type`, `rdfs:comment`, the generating
activity and its parameters).

Load it in place of the shipped data:

    clustergraph info DIR/*/*.{fmt}
    clustergraph load --store STORE_DIR DIR/*/*.{fmt} DIR/synthetic-dataset.{fmt}
"""


def generate(
    output: str | Path,
    countries: int,
    cluster_orgs: int,
    members: int,
    seed: int = 0,
    fmt: str = "ttl",
) -> GenerationReport:
    """Write a synthetic landscape under ``output`` (created; an existing synthetic
    landscape there is replaced, anything else is refused). Returns what was written."""
    for name, value in (("countries", countries), ("cluster-orgs", cluster_orgs),
                        ("members", members)):
        if value < 1:
            raise UsageError(f"--{name} must be at least 1 (got {value})")
    if fmt not in FORMATS:  # the names of clustergraph.formats: turtle, nq, n-quads, ...
        fmt = by_name(fmt, "--format", allowed=("turtle", "nquads")).extension
    out = Path(output)
    refuse_store_target(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not (out / "SYNTHETIC.md").is_file():
        raise OutputError(
            f"{out}: exists, is not empty and is not a synthetic landscape; not writing into it"
        )
    started = time.perf_counter()
    try:
        if out.is_dir():
            for child in out.iterdir():  # a previous synthetic landscape: start afresh
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        out.mkdir(parents=True, exist_ok=True)
        # Without the output path: the same parameters give the same bytes anywhere.
        command = (f"clustergraph generate --countries {countries} --cluster-orgs "
                   f"{cluster_orgs} --members {members} --seed {seed} --output DIR "
                   f"--format {fmt}")
        params: dict[str, object] = {
            "countries": countries, "cluster_orgs": cluster_orgs, "members": members,
            "seed": seed,
            "triples": expected_triples(countries, cluster_orgs, members),
        }
        land = _Landscape(out, fmt, seed, cluster_orgs, members, command)
        land.eu()
        from .progress import each

        for c in each(_countries(countries, land.k), "generating countries", total=countries,
                      unit="countries"):
            land.country(c)
        land.metadata(params, command)
        write_output(out / "SYNTHETIC.md", _readme(params, command, fmt).encode("utf-8"))
    except OSError as exc:
        raise OutputError(f"{out}: cannot write the landscape ({exc.strerror or exc})") from None
    if land.triples != params["triples"]:  # the documented count is a promise: a bug if not
        raise RuntimeError(f"wrote {land.triples} triples, expected {params['triples']}")
    return GenerationReport(out, land.triples, len(land.files), time.perf_counter() - started)
