"""Property tests: any mix of Markdown and HTML builds a PPTX and a PDF that open, or fails
with deckgen's own error; never anything else. Inputs that ever broke it live in
tests/fixtures/fuzz/ and are replayed on every run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pptx import Presentation
from pypdf import PdfReader

from deckgen.build import build
from deckgen.errors import DeckgenError
from deckgen.parse.parser import parse_document
from deckgen.plan.planner import plan_deck
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


def _build_or_fail_cleanly(path: Path, out: Path) -> None:
    try:
        result = build(path, out)
    except DeckgenError:
        return
    pptx = next(p for p in result.written if p.suffix == ".pptx")
    pdf = next(p for p in result.written if p.suffix == ".pdf")
    assert len(Presentation(str(pptx)).slides) == len(PdfReader(pdf).pages) >= 1


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=posts())
def test_any_post_builds_or_fails_with_deckgens_own_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.md"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _build_or_fail_cleanly(path, tmp_path / "out")


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_inputs_that_once_broke_the_pipeline_build(tmp_path: Path, path: Path) -> None:
    _build_or_fail_cleanly(path, tmp_path)


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
