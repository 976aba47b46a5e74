"""Charts drawn on the server as SVG: horizontal bars, grouped bars and a timeline.

Why not a JavaScript charting library: an SVG written here is in the page itself, so a chart
shows with JavaScript off, prints, is the same bytes for the same rows (testable), needs
no vendored file and its licence, and reads labels the way the table does. Every text is
XML-escaped here; the SVG is built from numbers and escaped strings only.

A chart is declared per saved query with ``#+ defaultView: NAME; x=COLUMN; y=COLUMNS``
(:data:`clustergraph.catalog.VIEWS`): ``x`` is the category (or, for ``Timeline``, the year)
column, ``y`` the numeric column(s) (for ``Timeline``, the label of each event).
"""

from __future__ import annotations

from html import escape

import pyoxigraph as ox

from ..namespaces import XSD
from ..render import human

#: Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
NUMERIC = {XSD + t for t in (
    "integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger",
    "positiveInteger")}
#: At most this many categories are drawn (the table has every row; the chart says so).
MAX_BARS = 120
LABEL_CHARS = 42
#: The column by which a chart over several countries is grouped (one heading a country).
GROUP = "country"


def _number(term: object) -> float | None:
    if isinstance(term, ox.Literal) and term.datatype.value in NUMERIC:
        try:
            return float(term.value)
        except ValueError:
            return None
    return None


def _year(term: object) -> int | None:
    if isinstance(term, ox.Literal):
        text = term.value.strip()
        digits = text[:4] if len(text) >= 4 else ""
        if digits.isdigit():
            return int(digits)
    return None


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if v == int(v) else f"{v:,.2f}"


def chart(view: str, columns: dict[str, tuple[str, ...]], variables: list[str],
          rows: list[tuple], labels: dict[str, str], title: str) -> str | None:
    """The SVG for ``view`` over the rows, or ``None`` when there is nothing to draw (no
    such column, no numeric value): the page then shows the table alone."""
    if view == "Table" or not rows:
        return None
    x = (columns.get("x") or (variables[0],))[0]
    ys = columns.get("y") or ()
    if x not in variables or any(y not in variables for y in ys) or not ys:
        return None
    xi = variables.index(x)
    yis = [variables.index(y) for y in ys]
    if view == "Timeline":
        gi = variables.index(GROUP) if GROUP in variables and x != GROUP else None
        if gi is not None and len({row[gi] for row in rows}) < 2:
            gi = None
        return timeline(rows, xi, yis, labels, title, gi)
    series = list(ys) if view == "GroupedBarChart" else [ys[0]]
    yis = yis if view == "GroupedBarChart" else yis[:1]
    # rows over several countries: one group of bars a country, so that the same category
    # (a criterion, a beneficiary type) of two countries is two bars, each under its country
    gi = variables.index(GROUP) if GROUP in variables and x != GROUP else None
    if gi is not None and len({row[gi] for row in rows}) < 2:
        gi = None
    groups: dict[str, dict[str, list[float | None]]] = {}
    drawn = 0
    total: set[tuple[str, str]] = set()
    for row in rows:
        group = human(row[gi], labels) if gi is not None else ""
        cat = human(row[xi], labels)
        if not cat or (group, cat) in total:
            continue
        total.add((group, cat))
        if drawn >= MAX_BARS:
            continue
        groups.setdefault(group, {})[cat] = [_number(row[i]) for i in yis]
        drawn += 1
    if not any(v is not None for cats in groups.values() for vals in cats.values()
               for v in vals):
        return None
    note = (f"the first {drawn} of {len(total)} categories; the table has them all"
            if len(total) > drawn else "")
    return bars(groups, series, title, note=note)


def bars(groups: dict[str, dict[str, list[float | None]]], series: list[str], title: str,
         note: str = "") -> str:
    """Horizontal bars, one group per category, one bar per series; the categories under a
    heading for each key of ``groups`` (none for the key ``""``: rows of one country). The
    height follows the number of categories."""
    n = len(series)
    bar_h, gap, left, width, right, head_h = 14, 10, 300, 360, 60, 24
    group_h = n * bar_h + gap
    legend_h = 22 if n > 1 else 0
    note_h = 18 if note else 0
    heads = sum(1 for g in groups if g)
    ncats = sum(len(c) for c in groups.values())
    top = 30 + legend_h + note_h
    height = top + heads * head_h + ncats * group_h + 10
    vmax = max((v for cats in groups.values() for vals in cats.values() for v in vals
                if v is not None), default=0) or 1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
           f'width="{left + width + right}" height="{height}" '
           f'viewBox="0 0 {left + width + right} {height}" aria-label="{escape(title)}">',
           f"<title>{escape(title)}</title>",
           f'<text x="0" y="16" class="chart-title">{escape(title)}</text>']
    if n > 1:
        x = left
        for k, s in enumerate(series):
            out.append(f'<rect x="{x}" y="26" width="12" height="12" '
                       f'fill="{PALETTE[k % len(PALETTE)]}"/>')
            out.append(f'<text x="{x + 16}" y="36" class="legend">{escape(s)}</text>')
            x += 24 + 8 * len(s)
    if note:
        out.append(f'<text x="0" y="{30 + legend_h + 10}" class="note">{escape(note)}</text>')
    y0 = top
    for group, cats in groups.items():
        if group:
            out.append(f'<text x="0" y="{y0 + head_h - 8}" class="group">{escape(group)}</text>')
            out.append(f'<line x1="0" y1="{y0 + head_h - 4}" x2="{left + width + right}" '
                       f'y2="{y0 + head_h - 4}" stroke="#ccc"/>')
            y0 += head_h
        for cat, vals in cats.items():
            out.append(f'<text x="{left - 8}" y="{y0 + n * bar_h / 2 + 4:.0f}" '
                       f'text-anchor="end" class="cat"><title>{escape(cat)}</title>'
                       f"{escape(_short(cat))}</text>")
            for k, v in enumerate(vals):
                if v is None:
                    continue
                w = max(1.0, width * v / vmax) if v > 0 else 0
                y = y0 + k * bar_h
                where = f"{group}: {cat}" if group else cat
                out.append(f'<rect class="bar" x="{left}" y="{y}" width="{w:.1f}" '
                           f'height="{bar_h - 2}" fill="{PALETTE[k % len(PALETTE)]}">'
                           f"<title>{escape(where)}, {escape(series[k])}: {_fmt(v)}</title>"
                           "</rect>")
                out.append(f'<text x="{left + w + 4:.1f}" y="{y + bar_h - 4}" class="val">'
                           f"{_fmt(v)}</text>")
            y0 += group_h
    out.append("</svg>")
    return "\n".join(out)


def timeline(rows: list[tuple], xi: int, yis: list[int], labels: dict[str, str],
             title: str, gi: int | None = None) -> str | None:
    """One dot per dated row on a line of years, its label beside it (the first ``y``
    column, the others in brackets; led by its country, column ``gi``, when the rows are of
    several countries); undated rows are left to the table."""
    events = []
    for row in rows:
        year = _year(row[xi])
        if year is not None:
            label = human(row[yis[0]], labels)
            if gi is not None and row[gi] is not None:
                label = f"{human(row[gi], labels)}: {label}"
            more = [human(row[i], labels) for i in yis[1:] if row[i] is not None]
            events.append((year, label + (f" ({', '.join(more)})" if more else "")))
    if not events:
        return None
    events.sort()
    lo, hi = events[0][0], events[-1][0]
    span = max(1, hi - lo)
    left, width, row_h = 60, 420, 20
    height = 50 + len(events) * row_h + 30
    total = left + width + 320
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
           f'width="{total}" height="{height}" viewBox="0 0 {total} {height}" '
           f'aria-label="{escape(title)}">',
           f"<title>{escape(title)}</title>",
           f'<text x="0" y="16" class="chart-title">{escape(title)}</text>']
    axis_y = height - 24
    out.append(f'<line x1="{left}" y1="{axis_y}" x2="{left + width}" y2="{axis_y}" '
               f'class="axis" stroke="#555"/>')
    step = max(1, round(span / 8))
    for yr in range(lo, hi + 1, step):
        x = left + width * (yr - lo) / span
        out.append(f'<line x1="{x:.1f}" y1="40" x2="{x:.1f}" y2="{axis_y}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{axis_y + 16}" text-anchor="middle" '
                   f'class="tick">{yr}</text>')
    for i, (yr, label) in enumerate(events):
        x = left + width * (yr - lo) / span
        y = 50 + i * row_h
        out.append(f'<circle class="event" cx="{x:.1f}" cy="{y}" r="5" fill="{PALETTE[0]}">'
                   f"<title>{yr}: {escape(label)}</title></circle>")
        out.append(f'<text x="{x + 9:.1f}" y="{y + 4}" class="cat">{yr} · '
                   f"{escape(label if len(label) < 60 else label[:59] + '…')}</text>")
    out.append("</svg>")
    return "\n".join(out)
