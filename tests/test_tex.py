"""TeX math in the source: found outside code, kept from Markdown, read as Unicode text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deckgen.model.document import Code, Document, ListBlock, Math, Paragraph, Run, plain
from deckgen.parse.parser import parse_document
from deckgen.parse.tex import protect, to_unicode
from deckgen.source.reader import read_source


def parse(tmp_path: Path, body: str) -> Document:
    path = tmp_path / "post.md"
    path.write_text("---\ntitle: T\n---\n" + body, encoding="utf-8")  # the body starts on line 4
    return parse_document(read_source(path)[0])[0]


def texts(body: str) -> list[tuple[str, bool]]:
    return [(f.tex, f.display) for f in protect(body)[1]]


@pytest.mark.parametrize(
    "body",
    [
        "Tickets cost $5 and $10.",
        "From $5-$10 a day.",
        "It is $ 5 $ or so.",
        "Pay $5, then $6.",
        "A lone $ sign.",
        "Escaped \\$x\\$ dollars.",
        "Not closed $x\n\ny$ across paragraphs.",
    ],
)
def test_dollars_that_are_money_are_not_math(body: str) -> None:
    assert texts(body) == []


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("Say $E = mc^2$ here.", [("E = mc^2", False)]),
        ("Angles $\\alpha$ and $\\beta$.", [("\\alpha", False), ("\\beta", False)]),
        ("Rate \\(\\eta\\) set.", [("\\eta", False)]),
        ("$$\\int_0^1 x\\,dx$$", [("\\int_0^1 x\\,dx", True)]),
        ("\\[ a^2 + b^2 \\]", [("a^2 + b^2", True)]),
        ("Costs $x_{\\$}$ now.", [("x_{\\$}", False)]),
    ],
)
def test_formulas_are_found_with_their_tex_and_whether_they_are_displayed(
    body: str, found: list[tuple[str, bool]]
) -> None:
    assert texts(body) == found


@pytest.mark.parametrize(
    "body",
    [
        "Code `$x_1$` inline.",
        "Code ``a $x$ b`` inline.",
        "```\n$x$ and $$y$$\n```\n",
        "~~~~\n\\(z\\)\n~~~~\n",
        "Para.\n\n    indented $x$ code\n",
        "<pre>$x$</pre>",
        "<!-- notes: $x$ -->",
    ],
)
def test_math_inside_code_and_comments_is_left_as_written(body: str) -> None:
    out, found = protect(body)
    assert found == [] and out == body


def test_an_indented_line_inside_a_list_is_not_code() -> None:
    assert texts("- item\n\n    more about $x$\n") == [("x", False)]


def test_underscores_and_stars_in_tex_never_become_emphasis(tmp_path: Path) -> None:
    doc = parse(tmp_path, "Both $a_1 * b_2$ and $c_1 * d_2$ are products.\n")
    para = doc.blocks[0]
    assert isinstance(para, Paragraph)
    assert plain(para.runs) == "Both a₁*b₂ and c₁*d₂ are products."
    assert [r.text for r in para.runs if r.italic] == ["a₁*b₂", "c₁*d₂"]


def test_inline_math_is_an_italic_run_of_unicode_without_dollars(tmp_path: Path) -> None:
    doc = parse(tmp_path, "- Energy is $E = mc^2$ at rest\n- Angles \\(\\alpha + \\beta\\)\n")
    lst = doc.blocks[0]
    assert isinstance(lst, ListBlock)
    first, second = (item.runs for item in lst.items)
    assert first == (Run("Energy is "), Run("E = mc²", italic=True), Run(" at rest"))
    assert second[-1] == Run("α + β", italic=True)


def test_money_and_escaped_dollars_read_as_written(tmp_path: Path) -> None:
    doc = parse(tmp_path, "Tickets cost $5 and $10, a \\$20 pass both.\n")
    assert plain(doc.blocks[0].runs) == "Tickets cost $5 and $10, a $20 pass both."  # type: ignore[union-attr]


def test_a_displayed_formula_on_its_own_is_a_math_block_with_its_line(tmp_path: Path) -> None:
    doc = parse(tmp_path, "Lead in:\n$$\n\\frac{a_1}{b_2}\n$$\nAfter.\n\n\\[ x^2 \\]\n")
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Math", "Paragraph", "Math"]
    assert doc.blocks[1] == Math("\\frac{a_1}{b_2}", True, 5)
    assert doc.blocks[3] == Math("x^2", True, 10)


def test_a_displayed_formula_inside_a_sentence_reads_inline(tmp_path: Path) -> None:
    doc = parse(tmp_path, "Here $$x^2$$ is squared.\n")
    assert plain(doc.blocks[0].runs) == "Here x² is squared."  # type: ignore[union-attr]


def test_code_keeps_its_dollars_exactly(tmp_path: Path) -> None:
    doc = parse(tmp_path, 'Use `$x_1$` here.\n\n```\ncost = "$x$" + $$y$$\n```\n')
    para, code = doc.blocks
    assert isinstance(para, Paragraph) and Run("$x_1$", code=True) in para.runs
    assert isinstance(code, Code) and code.text == 'cost = "$x$" + $$y$$'


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        ("E = mc^2", "E = mc²"),
        ("E=mc^2", "E = mc²"),
        ("\\alpha+\\beta", "α + β"),
        ("x_{t+1} = x_t - \\eta \\nabla f(x_t)", "xₜ₊₁ = xₜ − η∇f(xₜ)"),
        ("-x", "−x"),
        ("\\frac{1}{3}", "1/3"),
        ("\\frac{n(n+1)}{2}", "n(n+1)/2"),
        ("\\frac{a+b}{c}", "(a+b)/c"),
        ("\\sqrt{x^2 + y^2}", "√(x²+y²)"),
        ("\\mathbb{R}^n", "ℝⁿ"),
        ("e^{i\\pi} + 1 = 0", "e^(iπ) + 1 = 0"),
        ("\\sum_{i=1}^{n} x_i", "∑ᵢ₌₁ⁿ xᵢ"),
        ("\\text{if } x \\le 0", "if x ≤ 0"),
        ("\\hat{y}", "ŷ"),
        ("\\left( a \\right)", "(a)"),
        ("\\operatorname{softmax}(QK^\\top)", "softmax(QKᵀ)"),
        ("\\unknowncommand{x}", "unknowncommandx"),
        ("10^{-3}", "10⁻³"),
    ],
)
def test_inline_tex_reads_as_unicode(tex: str, text: str) -> None:
    assert to_unicode(tex) == text


@pytest.mark.parametrize("tex", ["", "x_", "\\frac{", "}{", "^^", "\\", "\\sqrt[", "{{{"])
def test_broken_tex_still_reads_without_raising(tex: str) -> None:
    assert isinstance(to_unicode(tex), str)


def test_tex_nested_past_reading_is_read_flat() -> None:
    assert to_unicode("{" * 300 + "x" + "}" * 300) == "x"
    assert to_unicode("\\sqrt{" * 200 + "x" + "}" * 200).endswith("x")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*"ab $\\{}^_`()[]\n-+", "\\frac", "\\alpha"])).map("".join))
def test_any_text_is_read_without_raising_and_placeholders_never_leak(text: str) -> None:
    assert "\ue000" not in to_unicode(text)
    out, found = protect(text)
    assert out.count("\ue000") == len(found)


def test_math_never_crosses_a_table_cell() -> None:
    assert texts("| small | $5 | $\\alpha$ |\n|---|---|---|\n") == [("\\alpha", False)]


def test_a_dollar_in_a_link_target_is_part_of_the_address() -> None:
    body = "see [the docs](https://example.com/api/$version$/x.html) and $y$"
    assert texts(body) == [("y", False)]
    assert "https://example.com/api/$version$/x.html" in protect(body)[0]


# -- more than one formula, environments, macros -----------------------------------------


def test_several_displayed_formulas_in_one_block_are_each_a_math_block(tmp_path: Path) -> None:
    doc = parse(tmp_path, "$$a = b$$ $$c = d$$\n$$e$$\n")
    assert [(b.tex, b.line) for b in doc.blocks if isinstance(b, Math)] == [
        ("a = b", 4),
        ("c = d", 4),
        ("e", 5),
    ]


def test_a_math_environment_outside_dollars_is_displayed_as_mathjax_does(tmp_path: Path) -> None:
    body = "Then:\n\n\\begin{align}\na &= b \\\\\nc &= d\n\\end{align}\n\nAnd `\\begin{align}` in code.\n"
    doc = parse(tmp_path, body)
    maths = [b for b in doc.blocks if isinstance(b, Math)]
    assert [m.tex for m in maths] == ["\\begin{align}\na &= b \\\\\nc &= d\n\\end{align}"]
    assert maths[0].line == 6
    assert "\\begin{align}" in plain(doc.blocks[-1].runs)  # type: ignore[union-attr]


def test_macros_from_the_post_and_the_front_matter_are_expanded_where_they_are_used(
    tmp_path: Path,
) -> None:
    body = (
        "$$\\newcommand{\\R}{\\mathbb{R}} \\DeclareMathOperator*{\\argmax}{arg\\,max}$$\n\n"
        "Inline $x \\in \\R^n$ and $\\norm{v}$.\n\n"
        "$$\\def\\f#1{f(#1)} \\argmax_\\theta \\f{\\theta} \\in \\R$$\n"
    )
    path = tmp_path / "post.md"
    path.write_text(
        '---\ntitle: T\nmacros:\n  norm: ["\\\\lVert #1 \\\\rVert", 1]\n---\n' + body,
        encoding="utf-8",
    )
    doc = parse_document(read_source(path)[0])[0]
    para, math = doc.blocks  # the block of definitions alone shows nothing
    assert plain(para.runs) == "Inline x ∈ ℝⁿ and ‖v‖."  # type: ignore[union-attr]
    assert isinstance(math, Math) and math.tex.startswith("\\def\\f#1")  # as written
    assert math.expanded == "\\operatorname*{arg\\,max}_\\theta f(\\theta) \\in \\mathbb{R}"


@pytest.mark.parametrize(
    ("settings", "expanded"),
    [
        ({"macros": {"RR": "\\mathbb{R}"}}, "\\mathbb{R}"),  # MathJax: name without backslash
        ({"katex": {"macros": {"\\RR": "\\mathbb{R}"}}}, "\\mathbb{R}"),  # KaTeX's key
        ({"math": {"macros": {"RR": ["{#1}^2", 1]}}}, "{x}^2"),  # with an argument
    ],
)
def test_macros_settings_read_as_mathjax_and_katex_write_them(
    settings: dict[str, object], expanded: str
) -> None:
    from deckgen.parse.tex import expand, macros_of

    assert expand("\\RR{x}" if "#1" in str(settings) else "\\RR", macros_of(settings)) == expanded


def test_a_macro_that_calls_itself_stops() -> None:
    from deckgen.parse.tex import define, expand

    macros: dict[str, tuple[int, str]] = {}
    rest = define("\\def\\loop{\\loop x}", macros)
    assert rest == "" and len(expand("\\loop", macros)) < 100_000


def test_a_bare_environment_in_a_blog_post_is_read_as_its_markdown_renderer_passes_it(
    tmp_path: Path,
) -> None:
    body = "\\begin{equation}\n1\\\\{c = i\\\\} + x\\_1\n\\end{equation}\n\n$$\\{a\\_b\\}$$\n"
    post = tmp_path / "p.md"
    for front, bare in (("title: T", r"1\{c = i\} + x_1"), ("format: revealjs", r"1\\{c")):
        post.write_text(f"---\n{front}\n---\n## A\n\n{body}", encoding="utf-8")
        doc, _ = parse_document(read_source(post)[0])
        texs = [b.tex for b in doc.blocks if isinstance(b, Math)]
        assert bare in texs[0]
        assert texs[1] == r"\{a\_b\}"  # inside $$: as written
