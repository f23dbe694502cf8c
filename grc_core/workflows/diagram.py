"""A workflow drawn as an SVG diagram, on the server (no script, nothing to
download): states as boxes in rows, from the initial state down by the
number of steps it takes to reach them, and the transitions as arrows.
The request page highlights the current state; the workflow editor draws
the commune's copy. A text list of the transitions goes with it (the SVG is
a picture; screen readers and the keyboard read the list)."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..requests.presentation import status_kind

BOX_WIDTH, BOX_HEIGHT = 170, 44
GAP_X, GAP_Y = 30, 46
MARGIN = 24
MAX_LABEL = 24  # characters per line, two lines at most

# Fill and text of a state's box, by kind (the same palette as the lists).
FILLS = {
    "new": ("#e7f0fb", "#0b3d75"),
    "open": ("#fff3cd", "#533f03"),
    "waiting": ("#eee6f7", "#3d1e63"),
    "closed": ("#e2f0e5", "#155724"),
    "refused": ("#f8d7da", "#721c24"),
}
CURRENT = ("#0056b3", "#ffffff")


@dataclass(frozen=True)
class Box:
    code: str
    label: str
    kind: str
    x: int
    y: int


def _ranks(definition: dict) -> dict[str, int]:
    """Steps from the initial state (breadth first, through the states not
    closed); the closed states (outcomes) share the last row, unreachable
    ones just above it."""
    states = definition.get("states", ())
    closed = {s["code"] for s in states if s.get("kind") == "closed"}
    codes = [s["code"] for s in states]
    start = next((s["code"] for s in states if s.get("kind") == "new"), codes[0] if codes else None)
    ranks: dict[str, int] = {}
    if start is not None:
        ranks[start] = 0
        queue = deque([start])
        while queue:
            code = queue.popleft()
            for transition in definition.get("transitions", ()):
                target = transition.get("target")
                if (code in (transition.get("source") or ()) and target in codes and target not in closed
                        and target not in ranks):
                    ranks[target] = ranks[code] + 1
                    queue.append(target)
    unreachable = max(ranks.values(), default=-1) + 1
    last = unreachable + (1 if any(c not in ranks and c not in closed for c in codes) else 0)
    return {code: last if code in closed else ranks.get(code, unreachable) for code in codes}


def layout(definition: dict) -> tuple[list[Box], int, int]:
    """The boxes (in definition order within a row) and the picture's size."""
    ranks = _ranks(definition)
    rows: dict[int, list[dict]] = {}
    for state in definition.get("states", ()):
        rows.setdefault(ranks[state["code"]], []).append(state)
    widest = max((len(row) for row in rows.values()), default=1)
    width = 2 * MARGIN + widest * BOX_WIDTH + (widest - 1) * GAP_X
    boxes = []
    for index, rank in enumerate(sorted(rows)):
        row = rows[rank]
        row_width = len(row) * BOX_WIDTH + (len(row) - 1) * GAP_X
        left = (width - row_width) // 2
        for position, state in enumerate(row):
            boxes.append(Box(state["code"], str(state.get("label") or state["code"]),
                             status_kind(state.get("kind", "open"), state["code"]),
                             left + position * (BOX_WIDTH + GAP_X), MARGIN + index * (BOX_HEIGHT + GAP_Y)))
    height = 2 * MARGIN + len(rows) * BOX_HEIGHT + max(0, len(rows) - 1) * GAP_Y
    return boxes, width, height


def _lines(label: str) -> list[str]:
    words, lines, line = label.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if len(candidate) <= MAX_LABEL or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    lines.append(line)
    if len(lines) > 2:
        lines = [lines[0], lines[1][: MAX_LABEL - 1] + "…"]
    return [text[:MAX_LABEL] if len(text) > MAX_LABEL else text for text in lines]


def _edge(source: Box, target: Box) -> str:
    """The path of an arrow: down to a lower row, sideways within a row, else
    (back up) around the boxes' right side."""
    if target.y == source.y:
        middle = source.y + BOX_HEIGHT // 2
        if target.x > source.x:
            return f"M{source.x + BOX_WIDTH},{middle} L{target.x},{middle}"
        return f"M{source.x},{middle} L{target.x + BOX_WIDTH},{middle}"
    if target.y > source.y:
        x1, y1 = source.x + BOX_WIDTH // 2, source.y + BOX_HEIGHT
        x2, y2 = target.x + BOX_WIDTH // 2, target.y
        middle = (y1 + y2) // 2
        return f"M{x1},{y1} C{x1},{middle} {x2},{middle} {x2},{y2}"
    # Back up: leave and arrive by the right side.
    x1, y1 = source.x + BOX_WIDTH, source.y + BOX_HEIGHT // 2
    x2, y2 = target.x + BOX_WIDTH, target.y + BOX_HEIGHT // 2
    bulge = max(x1, x2) + GAP_X + abs(y1 - y2) // 6
    return f"M{x1},{y1} C{bulge},{y1} {bulge},{y2} {x2},{y2}"


def diagram_svg(definition: dict | None, *, current: str | None = None, title: str = "") -> Markup:
    """The SVG (escaped labels), its arrows titled with the transitions' labels."""
    definition = definition or {}
    boxes, width, height = layout(definition)
    by_code = {box.code: box for box in boxes}
    # Room on the right for the arrows that go back up.
    width += GAP_X * 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="grc-workflow-diagram" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" aria-labelledby="workflow-diagram-title">',
        f'<title id="workflow-diagram-title">{escape(title)}</title>',
        '<defs><marker id="grc-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#495057"/></marker></defs>',
    ]
    for transition in definition.get("transitions", ()):
        target = by_code.get(transition.get("target"))
        for source_code in transition.get("source") or ():
            source = by_code.get(source_code)
            if source is None or target is None or source is target:
                continue
            parts.append(f'<path d="{_edge(source, target)}" fill="none" stroke="#6c757d" stroke-width="1.5" '
                         f'marker-end="url(#grc-arrow)"><title>{escape(transition.get("label") or "")}</title></path>')
    for box in boxes:
        fill, ink = CURRENT if box.code == current else FILLS.get(box.kind, FILLS["open"])
        stroke = "#003d80" if box.code == current else "#adb5bd"
        marker = ' data-current="true"' if box.code == current else ""
        parts.append(f'<g data-state="{escape(box.code)}"{marker}><title>{escape(box.label)}</title>'
                     f'<rect x="{box.x}" y="{box.y}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="8" '
                     f'fill="{fill}" stroke="{stroke}" stroke-width="{3 if marker else 1}"/>')
        lines = _lines(box.label)
        first = box.y + BOX_HEIGHT // 2 - (len(lines) - 1) * 8 + 5
        for index, line in enumerate(lines):
            parts.append(f'<text x="{box.x + BOX_WIDTH // 2}" y="{first + index * 16}" text-anchor="middle" '
                         f'font-size="13" font-family="sans-serif" fill="{ink}">{escape(line)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))


def transition_rows(definition: dict | None) -> list[tuple[str, str, str]]:
    """(from, action, to) of every transition, in words: the diagram's text."""
    definition = definition or {}
    labels = {s["code"]: str(s.get("label") or s["code"]) for s in definition.get("states", ())}
    return [(labels.get(source, source), str(t.get("label") or t["code"]), labels.get(t.get("target"), ""))
            for t in definition.get("transitions", ()) for source in t.get("source") or ()]
