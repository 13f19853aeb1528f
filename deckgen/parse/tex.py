"""TeX math in a post: find it in the Markdown source, keep it from Markdown, read it as text.

`protect(body)` runs before Python-Markdown: every `$…$`, `$$…$$`, `\\(…\\)` and `\\[…\\]`
outside code becomes a placeholder Markdown leaves alone (so `_` and `*` in TeX never become
emphasis), and `\\$` becomes a literal dollar. `restore(blocks, found)` runs on the parsed
blocks: a paragraph that is one display formula becomes a `Math` block; any other formula
becomes an italic run of readable Unicode text (`to_unicode`), so a sentence never shows `$`.

A `$` is math only as pandoc reads it: the opening `$` has a non-space right after it, the
closing one a non-space right before it and no digit right after it, so `$5 and $10` is money.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..model.document import Block, Code, Math, Paragraph, Run

# A placeholder: private-use characters only, so Markdown sees no markup and no words in it.
_OPEN, _CLOSE, _DIGIT0 = "\ue000", "\ue001", 0xE010
_TOKEN = re.compile(f"{_OPEN}([\ue010-\ue019]+){_CLOSE}")


@dataclass(frozen=True)
class Found:
    """Parse: one formula found in the source: its TeX, display or inline, and its line."""

    tex: str
    display: bool
    offset: int  # where its opening delimiter is in the body
    source: str  # the formula as written, delimiters included


def _token(n: int) -> str:
    return _OPEN + "".join(chr(_DIGIT0 + int(d)) for d in str(n)) + _CLOSE


def _index(m: re.Match[str]) -> int:
    return int("".join(str(ord(c) - _DIGIT0) for c in m.group(1)))


# -- finding math in Markdown, outside code ---------------------------------------------

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n", re.M)
_SKIP_HTML = re.compile(
    r"<!--.*?-->|<(pre|code|script|style|kbd|samp)\b[^>]*>.*?</\1\s*>|</?[A-Za-z][^<>]*>",
    re.S | re.I,
)
_BACKTICKS = re.compile(r"`+")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d+[.)])[ \t]")


_NEXT = re.compile(r"[`<\\$\n\]]")
_ENVIRONMENT = re.compile(
    r"\\begin\{((?:equation|align|alignat|gather|multline|eqnarray|flalign)\*?)\}"
)
_LINK_TARGET = re.compile(r"\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:\s+\"[^\"]*\")?\)")


# what kramdown (and CommonMark) read as a backslash escape: the character itself; `\\`
# before a character (`\\{`) is an escaped backslash, but not a row break (`\\` at a
# line's end, or `\\[2pt]`), which authors of such posts mean as one
_MARKDOWN_ESCAPE = re.compile(r"\\\\(?=[^\s\[])|\\([`*_{}\[\]()#+\-.!:|\"'$=<>])")


def markdown_unescaped(f: Found) -> Found:
    r"""A math environment written outside `$$` in a blog post as MathJax gets it there: the
    blog's Markdown renderer has read it as text first, so `\\{` reached MathJax as `\{`
    and `\_` as `_` (formulas inside `$$`, Pandoc's and Quarto's raw TeX are left alone)."""
    if not f.source.startswith("\\begin"):
        return f
    tex = _MARKDOWN_ESCAPE.sub(lambda m: m[1] if m[1] is not None else "\\", f.tex)
    return dataclasses.replace(f, tex=tex)


def protect(body: str) -> tuple[str, list[Found]]:
    """`body` with each formula outside code replaced by a placeholder, and the formulas."""
    if "$" not in body and "\\(" not in body and "\\[" not in body and "\\begin" not in body:
        return body, []
    found: list[Found] = []
    out: list[str] = []
    i, n = 0, len(body)
    code_blocks = _indented_code(body)
    while i < n:
        if i == 0 or body[i - 1] == "\n":  # a line start: code blocks are kept whole
            end = code_blocks.get(i)
            fence = _FENCE.match(body, i) if end is None else None
            if fence is not None:
                end = _fence_end(body, fence)
            if end is not None:
                out.append(body[i:end])
                i = end
                continue
        m = _NEXT.search(body, i)
        if m is None:
            out.append(body[i:])
            break
        out.append(body[i : m.start()])
        i = m.start()
        i = _STEP[body[i]](body, i, out, found)
    return "".join(out), found


def _newline(body: str, i: int, out: list[str], found: list[Found]) -> int:
    out.append("\n")
    return i + 1


def _backticks(body: str, i: int, out: list[str], found: list[Found]) -> int:
    run = _BACKTICKS.match(body, i)
    assert run is not None
    close = _closing_ticks(body, run.end(), len(run.group()))
    end = close if close is not None else run.end()
    out.append(body[i:end])
    return end


def _html(body: str, i: int, out: list[str], found: list[Found]) -> int:
    m = _SKIP_HTML.match(body, i)
    end = m.end() if m else i + 1
    out.append(body[i:end])
    return end


def _backslash(body: str, i: int, out: list[str], found: list[Found]) -> int:
    nxt = body[i + 1] if i + 1 < len(body) else ""
    if nxt in ("(", "["):
        marks = _marks(body)
        end = _after(marks.parens if nxt == "(" else marks.brackets, i + 1, -1)
        if 0 <= end < _limit(body, i) and body[i + 2 : end].strip():
            f = Found(body[i + 2 : end].strip(), nxt == "[", i, body[i : end + 2])
            return _emit(body, out, found, f, end + 2)
    if nxt == "$":
        out.append("&#36;")  # an escaped dollar is a dollar, never math
        return i + 2
    env = _ENVIRONMENT.match(body, i)
    if env is not None:  # MathJax sets a math environment outside delimiters too
        close = body.find(f"\\end{{{env[1]}}}", env.end(), _limit(body, i))
        if close >= 0:
            end = close + len(env[1]) + 6
            f = Found(body[i:end].strip(), True, i, body[i:end])
            return _emit(body, out, found, f, end)
    out.append(body[i : i + 2])  # a Markdown escape: keep the pair as it is
    return i + 2


def _dollars(body: str, i: int, out: list[str], found: list[Found]) -> int:
    f, end = _dollar(body, i)
    if f is not None:
        return _emit(body, out, found, f, end)
    # `$$` that is not math stays as written; a lone `$` is money
    run_len = 2 if body.startswith("$$", i) else 1
    out.append(body[i : i + run_len])
    return i + run_len


def _bracket(body: str, i: int, out: list[str], found: list[Found]) -> int:
    """A link's target, `](…)`, is an address: a `$` in it is never math."""
    m = _LINK_TARGET.match(body, i)
    end = m.end() if m else i + 1
    out.append(body[i:end])
    return end


_STEP: dict[str, Callable[[str, int, list[str], list[Found]], int]] = {
    "]": _bracket,
    "\n": _newline,
    "`": _backticks,
    "<": _html,
    "\\": _backslash,
    "$": _dollars,
}


def _emit(body: str, out: list[str], found: list[Found], f: Found, end: int) -> int:
    """Write `f`'s placeholder; a display formula on lines of its own becomes a paragraph."""
    token = _token(len(found))
    found.append(f)
    line_start = body.rfind("\n", 0, f.offset) + 1
    line_end = body.find("\n", end)
    line_end = len(body) if line_end < 0 else line_end
    alone = not body[line_start : f.offset].strip() and not body[end:line_end].strip()
    if f.display and alone and line_start == f.offset:  # not indented: not in a list or quote
        out.append(f"\n\n{token}\n\n")
    else:
        out.append(token)
    return end


def _dollar(body: str, i: int) -> tuple[Found | None, int]:
    """The formula opening with the `$` at `i`, and where it ends; None when it is money."""
    marks = _marks(body)
    limit = min(_after(marks.blank_lines, i, len(body)), _cell_end(body, i))
    if body.startswith("$$", i):
        end = body.find("$$", i + 2, limit)
        if end < 0 or not body[i + 2 : end].strip():
            return None, i
        return Found(body[i + 2 : end].strip(), True, i, body[i : end + 2]), end + 2
    if i + 1 >= len(body) or body[i + 1].isspace():
        return None, i
    j = _after(marks.closers, i, limit)
    if j >= limit or _after(marks.doubles, i, limit) < j:  # a `$$` first: this `$` was money
        return None, i
    return Found(body[i + 1 : j], False, i, body[i : j + 1]), j + 1


def _cell_end(body: str, i: int) -> int:
    """In a pipe-table row, where the cell holding `i` ends: math never crosses a cell, as
    Pandoc splits a row into cells before it reads them. Elsewhere, the end of the body."""
    start = body.rfind("\n", 0, i) + 1
    if not body[start:i].lstrip().startswith("|"):
        return len(body)
    m = re.compile(r"(?<!\\)\|").search(body, i)
    line_end = body.find("\n", i)
    line_end = len(body) if line_end < 0 else line_end
    return m.start() if m and m.start() < line_end else line_end


@dataclass(frozen=True)
class _Marks:
    """Where a body's paragraphs end and where a `$` may close inline math, in order."""

    blank_lines: list[int]
    closers: list[int]  # a lone `$` after a non-space (not `\\$`), before no digit
    doubles: list[int]  # `$$`
    parens: list[int]  # `\\)`
    brackets: list[int]  # `\\]`


@functools.lru_cache(maxsize=4)
def _marks(body: str) -> _Marks:
    closers = [
        m.start()
        for m in re.finditer(r"(?<=[^\s\\$])\$(?![\d$])", body)
        if body[m.start() - 1] != "$"
    ]
    doubles = [m.start() for m in re.finditer(r"\$\$", body)]
    blank = [m.start() for m in re.finditer(r"\n[ \t]*\n", body)]
    parens = [m.start() for m in re.finditer(r"\\\)", body)]
    brackets = [m.start() for m in re.finditer(r"\\\]", body)]
    return _Marks(blank, closers, doubles, parens, brackets)


def _after(positions: list[int], i: int, default: int) -> int:
    """The first position after `i`, else `default`."""
    k = bisect.bisect_right(positions, i)
    return positions[k] if k < len(positions) else default


def _limit(body: str, i: int) -> int:
    """Where the paragraph holding `i` ends: math and code spans never cross a blank line."""
    return _after(_marks(body).blank_lines, i, len(body))


def _closing_ticks(body: str, start: int, count: int) -> int | None:
    """The end of the backtick run of exactly `count` that closes a code span, if any."""
    for m in _BACKTICKS.finditer(body, start, _limit(body, start)):
        if len(m.group()) == count:
            return m.end()
    return None


def _fence_end(body: str, m: re.Match[str]) -> int:
    fence = m.group(1)
    closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.M)
    c = closing.search(body, m.end())
    return c.end() if c else len(body)


def _indented_code(body: str) -> dict[int, int]:
    """Indented code blocks (4 spaces or a tab after a blank line, not inside a list): each
    block's start offset mapped to its end."""
    blocks: dict[int, int] = {}
    offset = 0
    prev_blank, in_list, start = True, False, -1
    for line in body.split("\n"):
        blank = not line.strip()
        indented = line.startswith(("    ", "\t"))
        if start >= 0 and not blank and not indented:
            blocks[start], start = offset - 1, -1
        if not blank:
            if _LIST_ITEM.match(line):
                in_list = True
            elif not indented and prev_blank:
                in_list = False
            if indented and prev_blank and not in_list and start < 0:
                start = offset
        prev_blank = blank
        offset += len(line) + 1
    if start >= 0:
        blocks[start] = len(body)
    return blocks


# -- back in the parsed blocks ----------------------------------------------------------


def restore(
    blocks: tuple[Block, ...],
    found: list[Found],
    body: str,
    line_of: Callable[[int], int],
    macros: Macros | None = None,
) -> tuple[Block, ...]:
    """Blocks with every placeholder replaced: display paragraphs become `Math` blocks (with
    their line in `body`, the post as written), other formulas italic Unicode runs; code gets
    its source back, exactly as written. The formulas' macros (`macros`, then each formula's
    definitions, in order) are expanded; a formula that only defines macros shows nothing."""
    if not found:
        return blocks
    lines = _lines(found, body, line_of)
    defined = dict(macros or {})
    expanded = [expand(define(f.tex, defined), defined).strip() for f in found]
    readable = [dataclasses.replace(f, tex=e) for f, e in zip(found, expanded, strict=True)]
    out: list[Block] = []
    for b in blocks:
        shown = _displayed(b, found)
        if shown is not None:  # one or more displayed formulas, and nothing else
            for n in shown:
                f, e = found[n], expanded[n]
                if e:
                    out.append(Math(f.tex, True, lines[n], e if e != f.tex else ""))
            continue
        out.append(_walk(b, readable))
    return tuple(out)


def _displayed(b: Block, found: list[Found]) -> list[int] | None:
    """The formulas a paragraph of displayed formulas alone holds (`$$a$$ $$b$$`); else None."""
    if not isinstance(b, Paragraph) or len(b.runs) != 1 or b.runs[0].code:
        return None
    text = b.runs[0].text
    if _TOKEN.sub("", text).strip():
        return None
    shown = [_index(m) for m in _TOKEN.finditer(text)]
    if not shown or not all(n < len(found) and found[n].display for n in shown):
        return None
    return shown


def _lines(found: list[Found], body: str, line_of: Callable[[int], int]) -> list[int]:
    """Each formula's line: found in order in the body as written (earlier steps may have
    changed the text that was searched)."""
    lines, cursor = [], 0
    for f in found:
        at = body.find(f.source, cursor)
        if at >= 0:
            cursor = at + len(f.source)
        lines.append(line_of(at if at >= 0 else f.offset))
    return lines


def _walk(value: Any, found: list[Found], code: bool = False) -> Any:
    """`value` with placeholders replaced, whatever block or field it is."""
    if isinstance(value, str):
        if _OPEN not in value:
            return value
        if code:
            return _TOKEN.sub(lambda m: _lookup(m, found).source, value)
        return _TOKEN.sub(lambda m: to_unicode(_lookup(m, found).tex), value)
    if isinstance(value, Run):
        return _run(value, found)
    if isinstance(value, tuple):
        items = [_walk(v, found, code) for v in value]
        if any(isinstance(v, list) for v in items):  # runs that were split into several
            return tuple(r for v in items for r in (v if isinstance(v, list) else [v]))
        return tuple(items)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _walk(getattr(value, f.name), found, isinstance(value, Code))
            for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)
    return value


def _lookup(m: re.Match[str], found: list[Found]) -> Found:
    n = _index(m)
    return found[n] if n < len(found) else Found("", False, 0, "")


def _run(run: Run, found: list[Found]) -> Run | list[Run]:
    """A run split around its formulas; each formula an italic run of Unicode text."""
    if _OPEN not in run.text or run.code:
        return _walk_code_run(run, found) if run.code else run
    out: list[Run] = []
    pos = 0
    for m in _TOKEN.finditer(run.text):
        if m.start() > pos:
            out.append(dataclasses.replace(run, text=run.text[pos : m.start()]))
        out.append(dataclasses.replace(run, text=to_unicode(_lookup(m, found).tex), italic=True))
        pos = m.end()
    if pos < len(run.text):
        out.append(dataclasses.replace(run, text=run.text[pos:]))
    return out


def _walk_code_run(run: Run, found: list[Found]) -> Run:
    if _OPEN not in run.text:
        return run
    return dataclasses.replace(run, text=_walk(run.text, found, code=True))


# -- TeX as readable text ---------------------------------------------------------------

_GREEK = (
    "alpha α beta β gamma γ delta δ epsilon ϵ varepsilon ε zeta ζ eta η theta θ vartheta ϑ "
    "iota ι kappa κ lambda λ mu μ nu ν xi ξ pi π varpi ϖ rho ρ varrho ϱ sigma σ varsigma ς "
    "tau τ upsilon υ phi ϕ varphi φ chi χ psi ψ omega ω Gamma Γ Delta Δ Theta Θ Lambda Λ "
    "Xi Ξ Pi Π Sigma Σ Upsilon Υ Phi Φ Psi Ψ Omega Ω"
)
_SYMBOLS_TEXT = (
    "cdot · times × div ÷ pm ± mp ∓ ast ∗ star ⋆ circ ∘ bullet • le ≤ leq ≤ ge ≥ geq ≥ "
    "neq ≠ ne ≠ approx ≈ sim ∼ simeq ≃ cong ≅ equiv ≡ propto ∝ ll ≪ gg ≫ in ∈ notin ∉ ni ∋ "
    "subset ⊂ subseteq ⊆ supset ⊃ supseteq ⊇ cup ∪ cap ∩ setminus ∖ emptyset ∅ varnothing ∅ "
    "forall ∀ exists ∃ nexists ∄ neg ¬ lnot ¬ land ∧ wedge ∧ lor ∨ vee ∨ oplus ⊕ otimes ⊗ "
    "to → rightarrow → leftarrow ← gets ← leftrightarrow ↔ Rightarrow ⇒ Leftarrow ⇐ "
    "Leftrightarrow ⇔ implies ⇒ iff ⇔ mapsto ↦ uparrow ↑ downarrow ↓ infty ∞ partial ∂ "
    "nabla ∇ sum ∑ prod ∏ coprod ∐ int ∫ iint ∬ iiint ∭ oint ∮ sqrt √ angle ∠ perp ⊥ "
    "parallel ∥ mid ∣ top ⊤ bot ⊥ ell ℓ hbar ℏ Re ℜ Im ℑ aleph ℵ prime ′ dagger † "
    "ldots … cdots ⋯ dots … vdots ⋮ ddots ⋱ langle ⟨ rangle ⟩ lceil ⌈ rceil ⌉ lfloor ⌊ "
    "rfloor ⌋ | ‖ Vert ‖ lVert ‖ rVert ‖ vert | lvert | rvert | { { } } % % & & # # _ _ $ $ "
    "colon : triangle △ square □ checkmark ✓ degree ° models ⊨ vdash ⊢ therefore ∴ because ∵ "
    "lim lim max max min min sup sup inf inf log log ln ln exp exp sin sin cos cos tan tan "
    "arg arg det det dim dim ker ker gcd gcd Pr Pr deg deg argmax argmax argmin argmin "
    "sinh sinh cosh cosh tanh tanh arcsin arcsin arccos arccos arctan arctan "
    "Longrightarrow ⟹ longrightarrow ⟶ Longleftarrow ⟸ longleftarrow ⟵ Longleftrightarrow ⟺ "
    "longleftrightarrow ⟷ longmapsto ⟼ hookrightarrow ↪ hookleftarrow ↩ rightharpoonup ⇀ "
    "leadsto ⇝ rightsquigarrow ⇝ xrightarrow → xleftarrow ← Uparrow ⇑ Downarrow ⇓ "
    "prec ≺ succ ≻ preceq ≼ succeq ≽ lesssim ≲ gtrsim ≳ triangleq ≜ coloneqq ≔ doteq ≐ "
    "odot ⊙ ominus ⊖ oslash ⊘ bigotimes ⨂ bigoplus ⨁ bigodot ⨀ bigcup ⋃ bigcap ⋂ "
    "bigvee ⋁ bigwedge ⋀ sqsubseteq ⊑ sqsupseteq ⊒ unlhd ⊴ lhd ⊲ rhd ⊳ nmid ∤ "
    "intercal ⊺ complement ∁ wp ℘ imath ı jmath ȷ Box □ Diamond ◇ diamond ⋄ "
    "blacksquare ■ lozenge ◊ star ⋆ dagger † ddagger ‡ sharp ♯ flat ♭ natural ♮"
)
_SYMBOLS = dict(zip(_GREEK.split()[::2], _GREEK.split()[1::2], strict=True))
_pairs = _SYMBOLS_TEXT.split()
_SYMBOLS.update(zip(_pairs[::2], _pairs[1::2], strict=True))
_SPACES = {",": "\u2009", ":": "\u2009", ";": "\u2009", ">": "\u2009", "!": "", " ": " ",
           "quad": "\u2003", "qquad": "\u2003\u2003", "enspace": "\u2002"}  # fmt: skip
_STYLE = {"mathrm", "mathit", "mathbf", "mathsf", "mathtt", "mathnormal", "boldsymbol", "bm",
          "operatorname", "operatorname*", "mathop", "pmb"}  # fmt: skip
_TEXT = {"text", "textrm", "textit", "textbf", "textsf", "texttt", "mbox", "hbox", "emph",
         "textnormal"}  # fmt: skip
_SPACED = set("=+−<>±∓×÷·≤≥≠≈∼≃≅≡∝≪≫∈∉∋⊂⊆⊃⊇∪∩→←↔⇒⇐⇔↦∧∨⊕⊗∖⊨⊢∣⟹⟶⟸⟵⟺⟷⇝↪≺≻≼≽≲≳≜≔≐⊑⊒")
_BIG = set("∑∏∐∫∬∭∮")  # big operators: what they apply to follows after a space
_IGNORED = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
            "biggl", "biggr", "displaystyle", "textstyle", "scriptstyle", "limits", "nolimits",
            "middle", "nonumber", "notag"}  # fmt: skip
_ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0305",
            "vec": "\u20d7", "tilde": "\u0303", "widetilde": "\u0303", "dot": "\u0307",
            "ddot": "\u0308", "check": "\u030c", "breve": "\u0306", "acute": "\u0301",
            "grave": "\u0300", "underline": "\u0332"}  # fmt: skip


_UPPER, _LOWER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"


def _alphabet(first: int, holes: str, letters: str = _UPPER) -> dict[str, str]:
    """Letters of a Unicode math alphabet from its first code point; `holes` are the letters
    Unicode had encoded before (ℝ for the double-struck R), as `letter` then character."""
    table = {c: chr(first + i) for i, c in enumerate(letters)}
    table.update(zip(holes[::2], holes[1::2], strict=True))
    return table


_BB = {**_alphabet(0x1D538, "CℂHℍNℕPℙQℚRℝZℤ"), **_alphabet(0x1D552, "", _LOWER), "1": "𝟙"}
_FRAK = {**_alphabet(0x1D504, "CℭHℌIℑRℜZℨ"), **_alphabet(0x1D51E, "", _LOWER)}
_CAL = dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "𝒜ℬ𝒞𝒟ℰℱ𝒢ℋℐ𝒥𝒦ℒℳ𝒩𝒪𝒫𝒬ℛ𝒮𝒯𝒰𝒱𝒲𝒳𝒴𝒵", strict=True))
_SUP = dict(zip("0123456789+-=()nihjlswxy−", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱʰʲˡˢʷˣʸ⁻", strict=True))
_SUP.update({"′": "′", "*": "*", "T": "ᵀ", "⊤": "ᵀ"})
_SUB = dict(
    zip("0123456789+-=()aehijklmnoprstuvx−", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ₋", strict=True)
)
_TEX_TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|[{}^_]|\s+|.", re.S)


def to_unicode(tex: str) -> str:
    """Inline TeX as text a reader understands: Greek letters and operators as Unicode,
    simple sub- and superscripts as Unicode scripts (else `x_(i+1)`), fractions as `a/b`."""
    reader = _Reader(_TEX_TOKEN.findall(tex))
    try:
        text = reader.sequence()
    except _TooDeep:  # nested past reading: the TeX without its markup
        text = re.sub(r"\\(?=[A-Za-z])|[{}]", "", tex)
    text = unicodedata.normalize("NFC", re.sub(r"[ \t\n]+", " ", text).strip())
    return text or tex


_MAX_NESTING = 50  # groups deeper than this are read flat


class _TooDeep(Exception):
    """TeX nested deeper than the reader follows."""


class _Reader:
    """A small reader of TeX math tokens, enough to write them out as text."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0  # inside an argument (a script, a fraction): set tight
        self.in_text = 0  # inside \\text{…}: spaces are words' spaces
        self.level = 0  # groups open

    def next(self) -> str | None:
        if self.i >= len(self.tokens):
            return None
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def sequence(self, until: str | None = None) -> str:
        self.level += 1
        if self.level > _MAX_NESTING:
            raise _TooDeep
        try:
            return self._sequence(until)
        finally:
            self.level -= 1

    def _sequence(self, until: str | None) -> str:
        out = ""
        big = False  # after ∑ or ∫ and their limits, before what they apply to
        while True:
            tok = self.next()
            if tok is None or tok == until:
                return out
            if tok in ("^", "_"):
                arg = self.argument()
                out += _script(arg, _SUP if tok == "^" else _SUB, tok)
            elif tok == "}":
                continue  # an unbalanced brace: ignore it
            else:
                piece = self.atom(tok)
                if big and piece.strip() and not self.depth:
                    out, big = out.rstrip() + " ", False
                out = self.spaced(out, piece)
                big = big or piece in _BIG

    def spaced(self, out: str, piece: str) -> str:
        """`out` and `piece`, spaced as TeX spaces operators: around them, unless unary."""
        if self.depth or self.in_text:
            return out + piece
        if piece == ",":
            return out + ", "
        if piece not in _SPACED:
            return out + piece
        before = out.rstrip()
        if not before or before[-1] in _SPACED or before[-1] in "([{,":
            return out + piece  # a sign, not an operation: −x
        return f"{before} {piece} "

    def argument(self) -> str:
        """The next argument: a `{…}` group, a command, or one character."""
        tok = self.next()
        while tok is not None and tok.isspace():
            tok = self.next()
        if tok is None:
            return ""
        self.depth += 1
        try:
            return self.atom(tok)
        finally:
            self.depth -= 1

    def text(self) -> str:
        """The argument of `\\text{…}`, its spaces kept."""
        self.in_text += 1
        try:
            return self.argument()
        finally:
            self.in_text -= 1

    def optional(self) -> str | None:
        if self.i < len(self.tokens) and self.tokens[self.i] == "[":
            self.i += 1
            return self.sequence("]")
        return None

    def atom(self, tok: str) -> str:
        if tok == "{":
            return self.sequence("}")
        if tok.isspace():
            return " " if self.in_text else ""  # TeX ignores spaces in math
        if tok == "-":
            return "−"
        if tok == "'":
            return "′"
        if tok == "~":
            return "\u00a0"
        if tok == "&":
            return " "
        if not tok.startswith("\\"):
            return tok
        return self.command(tok[1:])

    def command(self, name: str) -> str:
        if name in _SPACES:
            return _SPACES[name]
        if name == "\\":
            return "; "
        if name in _IGNORED:
            return ""
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            num, den = self.argument(), self.argument()
            return f"{_grouped(num)}/{_grouped(den)}"
        if name == "binom":
            n, k = self.argument(), self.argument()
            return f"C({n}, {k})"
        if name == "sqrt":
            index = self.optional()
            arg = self.argument()
            root = {"3": "∛", "4": "∜"}.get(index or "", "√")
            prefix = _script(index, _SUP, "^") if index and root == "√" else ""
            return f"{prefix}{root}{_grouped(arg)}"
        if name in ("begin", "end"):
            self.argument()
            return " "
        if name in _TEXT:
            return self.text()
        if name in _STYLE:
            return self.argument()
        if name in ("mathbb", "mathbbm", "Bbb"):
            return "".join(_BB.get(c, c) for c in self.argument())
        if name in ("mathcal", "mathscr"):
            return "".join(_CAL.get(c, c) for c in self.argument())
        if name == "mathfrak":
            return "".join(_FRAK.get(c, c) for c in self.argument())
        if name in _ACCENTS:
            arg = self.argument()
            return f"{arg}{_ACCENTS[name]}" if len(arg) == 1 else arg
        if name in ("label", "tag", "hspace", "vspace", "color", "textcolor"):
            arg = self.argument()
            return f" ({arg})" if name == "tag" else ""
        if name in _SYMBOLS:
            return _SYMBOLS[name]
        return name  # unknown: its name reads better than a backslash


def _grouped(text: str) -> str:
    """`text` bracketed when it has more than one term."""
    text = text.strip()
    if len(text) <= 1:
        return text
    outer = text
    while (inner := re.sub(r"\([^()]*\)", "", outer)) != outer:  # operators inside (…) are
        outer = inner  # already grouped
    return f"({text})" if re.search(r"[\s+−\-*/·×=<>]", outer) else text


def _script(text: str, table: dict[str, str], mark: str) -> str:
    """`text` raised or lowered: Unicode scripts when every character has one."""
    text = text.strip()
    if text and all(c in table for c in text):
        return "".join(table[c] for c in text)
    if mark == "^" and text in ("′", "′′"):
        return text
    if len(text) > 1 and not (text.startswith("(") and text.endswith(")")):
        text = f"({text})"
    return f"{mark}{text}"


# -- macros: \newcommand, \def, \DeclareMathOperator, and the front matter's -------------

Macros = dict[str, tuple[int, str]]  # "\\name" -> (number of arguments, body)
_DEFINER = re.compile(
    r"\\(?:(?:re|provide)?newcommand\*?|def|DeclareMathOperator(\*?))\s*(\{\s*)?(\\[A-Za-z]+)"
)
_MAX_EXPANSIONS = 10_000  # a macro that calls itself stops here, as TeX would never
_MACRO_KEYS = ("macros", "math.macros", "mathjax.macros", "katex.macros")


def macros_of(*settings: Any) -> Macros:
    """The macros a front matter or site config defines, as MathJax (`name: body` or
    `name: [body, n]`) and KaTeX (`"\\\\name": body`) read them; later settings win."""
    out: Macros = {}
    for config in settings:
        for key in _MACRO_KEYS:
            value: Any = config
            for part in key.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            if not isinstance(value, dict):
                continue
            for name, body in value.items():
                if isinstance(body, list | tuple) and body:
                    nargs = body[1] if len(body) > 1 and isinstance(body[1], int) else 0
                    out["\\" + str(name).lstrip("\\")] = (min(nargs, 9), str(body[0]))
                elif isinstance(body, str | int | float):
                    out["\\" + str(name).lstrip("\\")] = (0, str(body))
    return out


def define(tex: str, macros: Macros) -> str:
    """`tex` without its definitions, which are added to `macros` (MathJax's are global:
    in force from the formula that makes them on)."""
    out, pos = [], 0
    for m in _DEFINER.finditer(tex):
        if m.start() < pos:
            continue
        i = m.end()
        if m[2]:  # \newcommand{\name}: the closing brace
            i = tex.find("}", i) + 1 or len(tex)
        nargs = 0
        if tex.startswith("\\DeclareMathOperator", m.start()):
            body, i = _group(tex, i)
            op = "\\operatorname*" if m[1] else "\\operatorname"
            macros[m[3]] = (0, f"{op}{{{body}}}")
        else:
            count = re.compile(r"\s*\[(\d)\]").match(tex, i)
            if count:
                nargs, i = int(count[1]), count.end()
            params = re.compile(r"(?:#\d)+").match(tex, i)  # \def\f#1#2{…}
            if params:
                nargs, i = params.group().count("#"), params.end()
            body, i = _group(tex, i)
            macros[m[3]] = (nargs, body)
        out.append(tex[pos : m.start()])
        pos = i
    out.append(tex[pos:])
    return _REQUIRE.sub("", "".join(out))


_REQUIRE = re.compile(r"\\require\{[^{}]*\}")  # MathJax loads an extension: nothing to do


def _group(tex: str, i: int) -> tuple[str, int]:
    """The `{…}` group at `i` (after spaces): its inside and where it ends; else one token."""
    while i < len(tex) and tex[i].isspace():
        i += 1
    if i >= len(tex):
        return "", i
    if tex[i] != "{":
        m = _TEX_TOKEN.match(tex, i)
        return (m.group(), m.end()) if m else ("", i + 1)
    depth = 0
    for j in range(i, len(tex)):
        c = tex[j]
        if c == "\\":
            continue
        if c == "{" and tex[j - 1] != "\\":
            depth += 1
        elif c == "}" and tex[j - 1] != "\\":
            depth -= 1
            if depth == 0:
                return tex[i + 1 : j], j + 1
    return tex[i + 1 :], len(tex)


def expand(tex: str, macros: Macros) -> str:
    """`tex` with `macros` expanded (their arguments put in for #1…#9), as often as they
    call each other, up to a bound."""
    if not macros or "\\" not in tex:
        return tex
    out: list[str] = []
    rest, pos, done = tex, 0, 0
    while done < _MAX_EXPANSIONS:
        m = _CONTROL.search(rest, pos)
        if m is None:
            break
        if m.group() not in macros:
            pos = m.end()
            continue
        nargs, body = macros[m.group()]
        out.append(rest[: m.start()])
        i, args = m.end(), []
        for _ in range(nargs):
            arg, i = _group(rest, i)
            args.append(arg)
        body = _PARAM.sub(functools.partial(_argument, args), body)
        if re.search(r"\\[A-Za-z]+$", body) and rest[i : i + 1].isalpha():
            body += " "  # \eps{}x: a control word's end, not \epsilonx
        rest, pos = body + rest[i:], 0
        done += 1
    out.append(rest)
    return "".join(out)


def _argument(args: list[str], m: re.Match[str]) -> str:
    n = int(m[1])
    return args[n - 1] if n <= len(args) else ""


_CONTROL = re.compile(r"\\[A-Za-z]+|\\.")
_PARAM = re.compile(r"#([1-9])")
