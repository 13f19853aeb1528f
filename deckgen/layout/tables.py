"""Tables in boxes: column widths from the cells' text, rows measured, a table that does
not fit continued on the next page.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import TYPE_CHECKING

from ..errors import warning
from ..model.deck import (
    TableBox,
)
from ..model.pages import (
    Cell,
    Rect,
    TableFrame,
)
from ..model.units import PT
from .fit import DraftPage, Fit
from .text import Spec

if TYPE_CHECKING:
    from .boxes import Boxes


# -- tables -----------------------------------------------------------------------
def table(lay: Boxes, page: DraftPage, box: TableBox, rect: Rect, probe: bool = False) -> Fit:
    """A table across the body: columns sized by their text, the largest size at which
    it fits, else its rows continue on the next page under the header repeated."""
    x, y, w, h = rect
    top, low = lay.size("table", 20), lay.size("table_min", 12)
    cols = max(len(r) for r in box.rows)
    n, head = len(box.rows), box.header
    # a page of a table continued sets only its share of the rows left
    share = -(-(n - head) // max(box.continued[2], 1)) if box.continued else n
    rows = range(min(n, head + share))
    specs = [[_cell_spec(lay, box, r, c) for c in range(cols)] for r in rows]
    measured: list[tuple[float, float]] = []  # each column's longest line and word
    sizes = [half / 2 for half in range(int(top * 2), int(low * 2) - 1, -1)]

    def rooms(size: float, widths: list[int], upto: int = n) -> list[int]:
        """The first `upto` rows' heights, stopping at the first row that passes `h`:
        a long table costs a page's rows per size tried, not all of its rows."""
        out, total = [], 0
        for row in specs[:upto]:
            out.append(_room(lay, row, widths, size))
            total += out[-1]
            if total > h:
                break
        return out

    def columns(size: float, force: bool = False) -> list[int] | None:
        if not measured:
            measured.extend(_measure_columns(lay, specs))
        return _columns(lay, measured, size, w, force)

    def fits(size: float, upto: int) -> tuple[float, list[int], list[int]] | None:
        widths = columns(size)
        if widths is None:
            return None
        heights = rooms(size, widths, upto)
        return (size, widths, heights) if len(heights) == upto and sum(heights) <= h else None

    chosen: tuple[float, list[int], list[int]] | None = None
    keep, pages = n, 1
    if box.continued is not None:  # a page of a table continued: as the first page set it
        size, kept_widths, pages = box.continued  # the rows left, shared evenly again
        heights = rooms(size, list(kept_widths), min(n, head + share))
        within = sum(1 for t in itertools.accumulate(heights) if t <= h)
        keep = max(head + 1, within)  # fewer where this page's rows are taller
        chosen = (size, list(kept_widths), heights[:keep])
    else:  # the largest size at which the whole table fits the page
        chosen = next((m for m in (fits(size, n) for size in sizes) if m is not None), None)
    if chosen is None:
        # too tall (or too wide): the pages it needs at the minimum size, its rows shared
        # evenly between them, at the largest size at which one share fits; the pages
        # after this one take their share at the same size and column widths
        at_low = columns(low)
        if at_low is None:
            at_low = columns(low, force=True)
            if not probe:  # once, where the table is placed (not each time it is tried)
                message = f"table too wide for the slide even at {low:g} pt: long words break"
                lay.diags.append(warning(message, None, box.line, "table"))
        assert at_low is not None
        low_heights = rooms(low, at_low)
        used, fitting = sum(low_heights[:head]), 0
        for rh in low_heights[head:]:
            if used + rh > h:
                break
            used, fitting = used + rh, fitting + 1
        pages = -(-(n - head) // max(fitting, 1))
        keep = head + -(-(n - head) // pages)
        chosen = next((m for m in (fits(size, keep) for size in sizes) if m is not None), None)
        if chosen is None:
            chosen = (low, at_low, rooms(low, at_low, keep))
    size, widths, heights = chosen
    more = box.rows[:head] + box.rows[keep:]
    continued = (size, tuple(widths), max(pages - 1, 1))
    rest = replace(box, rows=more, lead=(), continued=continued) if keep < n else None
    total = sum(heights[:keep])  # the room it may take in the PPTX, below it nothing
    if not probe:
        page.placed(Fit(None, total, [], size), top)
        drawn = [_row_height(lay, row, widths, size) for row in specs[:keep]]
        page.frames.append(
            _table_frame(lay, specs[:keep], widths, drawn, size, box.header, (x, y, total))
        )
    return Fit(None, total, [], size, rest)


def _cell_spec(lay: Boxes, box: TableBox, r: int, c: int) -> Spec:
    runs = box.rows[r][c] if c < len(box.rows[r]) else ()
    head = r < box.header
    align = box.align[c] if c < len(box.align) else "l"
    return Spec(runs, color="table_header_text" if head else "text", bold=head, align=align)


def _measure_columns(lay: Boxes, specs: list[list[Spec]]) -> list[tuple[float, float]]:
    """Each column's longest line and widest word, in points at 1 pt."""
    out = [(0.0, 0.0)] * len(specs[0])
    for row in specs:
        for c, spec in enumerate(row):
            line, word = lay.setter.widths(spec)
            out[c] = (max(out[c][0], line), max(out[c][1], word))
    return out


def _columns(
    lay: Boxes, measured: list[tuple[float, float]], size: float, width: int, force: bool = False
) -> list[int] | None:
    """Column widths filling `width`, each at least its widest word (`measured` at 1 pt,
    by `_measure_columns`); None if impossible."""
    pad = 2 * lay._CELL_PAD[0]
    cols = len(measured)
    natural = [max(pad + 1.0, pad + line * size * PT * 1.02) for line, _ in measured]
    least = [max(float(pad), pad + word * size * PT * 1.02) for _, word in measured]
    if sum(least) > width and not force:
        return None
    if force:
        least = [min(v, width / cols) for v in least]
    # water-filling: columns whose text fits their share keep it; the others share the rest
    widths = list(natural)
    if sum(natural) > width:
        fixed: set[int] = set()
        while True:
            free = width - sum(least[c] for c in fixed)
            flexible = [c for c in range(cols) if c not in fixed]
            total = sum(natural[c] for c in flexible)
            widths = [
                least[c] if c in fixed else max(least[c], natural[c] * free / total)
                for c in range(cols)
            ]
            over = [
                c
                for c in flexible
                if widths[c] == least[c] and natural[c] * free / total < least[c]
            ]
            if not over or sum(widths) <= width:
                break
            fixed.update(over)
    else:  # room to spare: spread some of it in proportion, without stretching far
        total = min(width, max(0.6 * width, 1.5 * sum(natural)))
        widths = [v * total / sum(natural) for v in natural]
    out = [int(v) for v in widths]
    out[-1] += max(0, min(width - sum(out), cols))  # rounding
    return out


def _row_height(lay: Boxes, row: list[Spec], widths: list[int], size: float) -> int:
    padx, pady = lay._CELL_PAD
    return 2 * pady + max(
        (
            lay.setter.height([spec], w - 2 * padx, size)
            for spec, w in zip(row, widths, strict=True)
        ),
        default=round(size * PT),
    )


def _room(lay: Boxes, row: list[Spec], widths: list[int], size: float) -> int:
    """The height a row takes in the PPTX wherever it is opened: a row grows to hold its
    text, so where the theme's fonts are missing and wider ones are substituted, lines
    that no longer fit wrap again and it takes the taller of the two."""
    real = _row_height(lay, row, widths, size)
    if lay.substituted is None:
        return real
    padx, pady = lay._CELL_PAD
    again = max(
        (
            lay.setter.rewrapped([spec], w - 2 * padx, size, lay.substituted)
            for spec, w in zip(row, widths, strict=True)
        ),
        default=0,
    )
    return max(real, 2 * pady + again)


def _table_frame(
    lay: Boxes,
    specs: list[list[Spec]],
    widths: list[int],
    heights: list[int],
    size: float,
    header: int,
    at: tuple[int, int, int],  # x, y, and the room it may grow into
) -> TableFrame:
    c = lay.colors
    padx, pady = lay._CELL_PAD
    head_fill = c.get("table_header") or c["accent"]
    band = c.get("table_band") or c.get("callout_background")
    rows = []
    y = at[1]
    for r, (row, rh) in enumerate(zip(specs, heights, strict=True)):
        cells = []
        x = at[0]
        for spec, cw in zip(row, widths, strict=True):
            paras, height, _ = lay.setter.set([spec], cw - 2 * padx, size)
            inner = (x + padx, y + pady, cw - 2 * padx, rh - 2 * pady)
            text = lay._frame(paras, height, inner, "cell", "m")
            fill = head_fill if r < header else (band if (r - header) % 2 else None)
            cells.append(Cell((x, y, cw, rh), text, fill))
            x += cw
        rows.append(tuple(cells))
        y += rh
    rule = c.get("table_rule") or c.get("placeholder") or c["muted"]
    return TableFrame(
        (at[0], at[1], sum(widths), max(sum(heights), at[2])),
        tuple(widths),
        tuple(heights),
        tuple(rows),
        header,
        rule,
        round(0.75 * PT),
    )
