"""Property tests: any mix of Markdown and HTML builds a PPTX and a PDF that open, or fails
with deckgen's own error: one line, naming the post (and the line, where the problem is at
one). Anything else (an `InternalError`, any other exception) fails. Inputs that ever broke
it live in tests/fixtures/fuzz/ and are replayed on every run."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pptx import Presentation
from pypdf import PdfReader

from deckgen.build import BuildResult, build, compile_post
from deckgen.errors import DeckgenError
from deckgen.parse.parser import parse_document
from deckgen.plan.planner import plan_deck
from deckgen.render.html import render_html
from deckgen.source.reader import read_source
from deckgen.theme import load_theme

from .conftest import FIXTURES

CORPUS = sorted((FIXTURES / "fuzz").glob("*.md"))

words = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=0, max_size=30
)
FRAGMENTS = [
    "## {}", "### {}", "# {}", "{}", "- {}", "1. **{}**: {}", "> {}", "> **Note:** {}",
    "> **{}**: {}", "---", "```\n{}\n```", "`{}`", "*{}* and **{}**", "[{}](https://example.org)",
    "![{}](missing.png)", "<figure><img src='x.png' alt='{}'><figcaption>{}</figcaption></figure>",
    '<div class="figure-grid"><figure><img src="a.png"><figcaption>{}</figcaption></figure></div>',
    '<div class="reference" id="ref-{}">{}</div>', '<a href="#ref-{}">[{}]</a>',
    '<div class="intuition-box"><h4>{}</h4><p>{}</p></div>', "<!-- notes: {} -->",
    "::: notes\n{}\n:::", "<aside class='notes'>{}</aside>", "<div><span>{}", "</div></p>",
    "<script>{}</script>", "<iframe src='https://example.org/{}'></iframe>", "| {} | {} |\n|---|---|",
    "{{{{ page.{} }}}}", "{{% include {} %}}", "<div style='text-align:center'><a href='mailto:{}'>{}</a></div>",
    "| {} | {} | {} |\n|:--|--:|:-:|\n| {} | {} | {} |\n| {} |", "```python\n    {}\n\t{}\n```",
    "```{}\n{}\n```", "<table><tr><th>{}</th></tr><tr><td>{}</td><td>{}</td></tr></table>",
    "text[^{}]\n\n[^{}]: {}", "$${}$$", "a ${}$ b", ":::: columns\n::: column\n{}\n:::\n::::", '![{}](x.png "{}")\n{{: width="{}%"}}', "{{{{< figure src=\"{}\" >}}}}",
]  # fmt: skip


@st.composite
def posts(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        fragment = draw(st.sampled_from(FRAGMENTS))
        parts.append(fragment.format(*(draw(words) for _ in range(fragment.count("{}")))))
    front = draw(
        st.sampled_from(
            [
                "",
                "---\ntitle: Fuzz\n---\n",
                "---\n---\n",
                "---\nmarp: true\n---\n",
                "---\nformat: revealjs\n---\n",
            ]
        )
    )
    return front + "\n\n".join(parts) + "\n"


# the problems of a whole post, which no line of it shows
WHOLE_POST = ("empty file", "no slides:", "is a directory", "file not found", "cannot read")


def refused_clearly(exc: DeckgenError, path: Path) -> None:
    """Assert `exc` is said as deckgen says an input problem: on one line, naming the post,
    and its line unless the problem is the whole post's."""
    message = exc.format()
    assert "\n" not in message and "\r" not in message, message
    assert exc.path is not None and exc.path.resolve() == path.resolve(), message
    if exc.message.startswith(WHOLE_POST):
        assert message.startswith(f"{path}: error: "), message
        return
    lines = path.read_bytes().count(b"\n") + 1
    assert exc.line is not None and 1 <= exc.line <= lines, message
    assert message.startswith(f"{path}:{exc.line}: error: "), message


def _build_or_fail_cleanly(path: Path, out: Path) -> BuildResult | None:
    """The build of `path`, or None when deckgen refused it clearly; any other exception
    propagates and fails the test."""
    try:
        result = build(path, out)
    except DeckgenError as exc:
        refused_clearly(exc, path)
        return None
    pptx = next(p for p in result.written if p.suffix == ".pptx")
    pdf = next(p for p in result.written if p.suffix == ".pdf")
    assert len(Presentation(str(pptx)).slides) == len(PdfReader(pdf).pages) == result.slides >= 1
    return result


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=posts())
def test_any_post_builds_or_fails_with_one_line_naming_the_post(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.md"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _build_or_fail_cleanly(path, tmp_path / "out")


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_inputs_that_once_broke_the_pipeline_build(tmp_path: Path, path: Path) -> None:
    _build_or_fail_cleanly(path, tmp_path)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("", None),
        ("---\ntitle: [broken\n---\n## A\n", 3),  # where YAML found the list unclosed
        ("---\n- a list\n---\n## A\n", 2),
        ("---\nformat: revealjs\n---\n\n", None),
    ],
    ids=["empty", "yaml", "not-a-mapping", "no-slides"],
)
def test_a_refused_post_is_one_line_naming_it_and_its_line(
    tmp_path: Path, text: str, line: int | None
) -> None:
    path = tmp_path / "post.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DeckgenError) as caught:
        build(path, tmp_path / "out")
    refused_clearly(caught.value, path)
    assert caught.value.line == line


def test_the_check_of_a_refusal_fails_what_is_not_one_line_naming_the_post(tmp_path: Path) -> None:
    path = tmp_path / "post.md"
    path.write_text("## A\n\nb\n", encoding="utf-8")
    refused_clearly(DeckgenError("at a line", path, 3), path)
    refused_clearly(DeckgenError("empty file (expected a Markdown post)", path), path)
    for bad in (
        DeckgenError("two\nlines", path, 1),
        DeckgenError("about another file", tmp_path / "other.md", 1),
        DeckgenError("naming no file"),
        DeckgenError("a problem of one line, naming none", path),
        DeckgenError("past the end", path, 5),
    ):
        with pytest.raises(AssertionError):
            refused_clearly(bad, path)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=posts())
def test_any_post_renders_one_html_section_per_page_and_only_deckgens_scripts(
    tmp_path: Path, text: str
) -> None:
    post = tmp_path / "fuzz.md"
    post.write_text(text, encoding="utf-8")
    try:
        compiled = compile_post(post)
    except DeckgenError as exc:
        refused_clearly(exc, post)
        return
    tree = lxml.html.fromstring(render_html(compiled.pages).decode("utf-8"))
    assert len(tree.xpath("//main/section")) == len(compiled.pages.pages)
    assert len(tree.xpath("//script")) == 3
    assert all(
        a.get("href").startswith(("https://", "http://", "mailto:", "#")) for a in tree.xpath("//a")
    )


plain_words = st.lists(st.from_regex(r"[a-z]{3,9}", fullmatch=True), min_size=1, max_size=8)
SHAPES = ["# {}", "## {}", "### {}", "#### {}", "{}", "- {}", "1. {}", "> {}", "**{}**"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(blocks=st.lists(st.tuples(st.sampled_from(SHAPES), plain_words), min_size=1, max_size=14))
def test_every_word_of_headings_prose_and_lists_lands_in_the_deck(
    tmp_path: Path, blocks: list[tuple[str, list[str]]]
) -> None:
    text = "---\ntitle: Words\n---\n\n" + "\n\n".join(s.format(" ".join(w)) for s, w in blocks)
    path = tmp_path / "words.md"
    path.write_text(text + "\n", encoding="utf-8")
    source, _ = read_source(path)
    deck, _ = plan_deck(parse_document(source)[0], load_theme(), path)
    strings = re.findall(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"", repr(deck))
    said = {w for pair in strings for s in pair for w in re.findall(r"[a-z]+", s)}
    assert {w for _, ws in blocks for w in ws} <= said


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    blocks=st.lists(st.tuples(st.sampled_from(SHAPES), plain_words), min_size=1, max_size=14),
    minutes=st.sampled_from([1, 2, 3.5]),
)
def test_a_talk_shortened_to_its_minutes_keeps_every_word(
    tmp_path: Path, blocks: list[tuple[str, list[str]]], minutes: float
) -> None:
    """Sub-sections folded into their sections' slides still say every word, in the notes."""
    body = "\n\n".join(s.format(" ".join(w)) for s, w in blocks)
    path = tmp_path / "words.md"
    path.write_text(f"---\ntitle: Words\ndeck:\n  minutes: {minutes}\n---\n\n{body}\n", "utf-8")
    source, _ = read_source(path)
    deck, _ = plan_deck(parse_document(source)[0], load_theme(), path)
    strings = re.findall(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"", repr(deck))
    said = {w for pair in strings for s in pair for w in re.findall(r"[a-z]+", s)}
    assert {w for _, ws in blocks for w in ws} <= said
