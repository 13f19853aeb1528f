"""The bibliography module alone: finding a post's .bib, reading it, formatting works."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckgen.parse.bibliography import (
    Bibliography,
    Name,
    author_list,
    load,
    reference_parts,
    sort_key,
    text,
    year_suffixes,
)

SITES = Path(__file__).resolve().parent / "sites"
DISTILL = SITES / "distill"
POST = DISTILL / "_posts" / "2025-03-01-tidal-lenses.md"
BIB = "2025-03-01-tidal-lenses.bib"


@pytest.fixture(scope="module")
def bib() -> Bibliography:
    found, diags = load({"bibliography": BIB}, POST, DISTILL)
    assert diags == []
    return found


def full(bib: Bibliography, key: str) -> str:
    work = bib.work(key)
    assert work is not None
    return "".join(t for _, t in reference_parts(work, work.year))


def test_the_site_bibliography_folder_is_found(bib: Bibliography) -> None:
    assert bib.loaded
    assert bib.paths == ((DISTILL / "assets" / "bibliography" / BIB).resolve(),)
    assert "muller2021tides" in bib and "nobody2099" not in bib


def test_latex_accents_and_braces_become_text(bib: Bibliography) -> None:
    muller = bib.work("muller2021tides")
    assert muller is not None
    assert muller.authors[0] == Name("Müller", "Jürgen")
    assert muller.venue == "Journal of Imaginary Oceanography"  # an @string macro
    assert muller.pages == "45–67"
    chen = bib.work("chen2020currents")
    assert chen is not None and chen.authors[1].last == "García"
    park = bib.work("park2019bert")
    assert park is not None and park.title == "BERT-Style Pretraining for Sonar Echograms"
    assert text(r"Fast $\epsilon$-Free {\em Deep} {\&} {{GPT}-3}") == "Fast ϵ-Free Deep & GPT-3"


def test_author_year_names(bib: Bibliography) -> None:
    assert Bibliography().work("x") is None
    names = {k: w.names() for k in bib.entries if (w := bib.work(k)) is not None}
    assert names["muller2021tides"] == "Müller et al."  # three authors
    assert names["chen2020currents"] == "Chen & García"  # two
    assert names["smith2018a"] == "Smith"  # one
    assert names["park2019bert"] == "Park et al."  # "and others"
    assert names["gauges"] == "example.org"  # a @misc with only a URL


def test_full_references(bib: Bibliography) -> None:
    assert full(bib, "muller2021tides") == (
        "Müller, J., Okonkwo, A., & Varga, I. (2021). Tidal Lensing of Sound in Shallow "
        "Estuaries. Journal of Imaginary Oceanography, 12(3), 45–67."
    )
    assert full(bib, "park2019bert") == (
        "Park, S.-j., Lindqvist, E., et al. (2019). BERT-Style Pretraining for Sonar "
        "Echograms. In Proceedings of the Workshop on Synthetic Acoustics, pp. 101–110."
    )
    assert full(bib, "gauges") == "https://example.org/tide-gauges (n.d.)."
    work = bib.work("muller2021tides")
    assert work is not None
    parts = reference_parts(work, "2021")
    assert ("italic", "Journal of Imaginary Oceanography") in parts
    gauges = bib.work("gauges")
    assert gauges is not None and reference_parts(gauges, "")[0] == ("link", gauges.url)


def test_long_author_lists_are_shortened() -> None:
    from deckgen.parse.bibliography import Work

    many = Work("k", "article", tuple(Name(f"Author{n}", "Ann") for n in range(8)))
    assert author_list(many) == "Author0, A., Author1, A., Author2, A., et al."
    two = Work("k", "article", (Name("Bahdanau", "Dzmitry"), Name("Cho", "Kyunghyun")))
    assert author_list(two) == "Bahdanau, D., & Cho, K."
    assert Name("Taub", "AH").initials() == "A. H."


def test_same_names_and_year_get_letters(bib: Bibliography) -> None:
    works = [bib.work(k) for k in ("smith2018b", "smith2018a", "chen2020currents")]
    found = sorted((w for w in works if w is not None), key=sort_key)
    assert year_suffixes(found) == {
        "chen2020currents": "2020",
        "smith2018a": "2018a",
        "smith2018b": "2018b",
    }


def test_lookup_order_and_lists(tmp_path: Path) -> None:
    post = tmp_path / "_posts" / "p.md"
    post.parent.mkdir()
    for folder in ("_posts", "assets/bibliography", "_bibliography", "."):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "a.bib").write_text(
            f"@misc{{where, title={{{folder}}}}}\n", encoding="utf-8"
        )
    (tmp_path / "_bibliography" / "b.bib").write_text("@misc{other, title={B}}\n")
    bib, diags = load({"bibliography": ["a.bib", "b.bib"]}, post, tmp_path)
    assert diags == []
    where, other = bib.work("where"), bib.work("other")
    assert where is not None and where.title == "_posts"  # beside the post comes first
    assert other is not None and other.title == "B"
    (tmp_path / "_posts" / "a.bib").unlink()
    bib, _ = load({"bibliography": "a.bib"}, post, tmp_path)
    assert bib.work("where").title == "assets/bibliography"  # type: ignore[union-attr]


def test_a_missing_bib_is_one_warning_naming_the_paths_tried(tmp_path: Path) -> None:
    post = tmp_path / "_posts" / "p.md"
    bib, diags = load({"bibliography": "gone.bib"}, post, tmp_path)
    assert not bib.loaded
    assert len(diags) == 1 and diags[0].level == "warning"
    message = diags[0].message
    for tried in ("_posts/gone.bib", "assets/bibliography/gone.bib", "_bibliography/gone.bib"):
        assert str(tmp_path / tried) in message


def test_a_bib_outside_the_site_is_not_read(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (tmp_path / "secret.bib").write_text("@misc{s, title={S}}\n")
    bib, diags = load({"bibliography": "../../secret.bib"}, site / "_posts" / "p.md", site)
    assert not bib.loaded and len(diags) == 1


def test_a_broken_entry_is_skipped_and_the_rest_kept(tmp_path: Path) -> None:
    (tmp_path / "refs.bib").write_text(
        "@article{good1, title={First}, author={Roe, R.}, year=2020}\n"
        "@article{broken,\n  title={Unbalanced {brace,\n  year=2019\n}\n"
        "@misc{good2, title={After the break}, year={2021}}\n"
        "@article{good1, title={A duplicate}}\n",
        encoding="utf-8",
    )
    bib, diags = load({"bibliography": "refs.bib"}, tmp_path / "p.md", None)
    assert bib.work("good1").title == "First"  # type: ignore[union-attr]
    assert bib.work("good2") is not None
    warnings = [d for d in diags if d.level == "warning"]
    assert len(warnings) == 1 and warnings[0].line == 2 and "skipped" in warnings[0].message
    assert any(d.level == "info" and "good1" in d.message for d in diags)


def test_an_empty_bib_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "refs.bib").write_text("% nothing here\n", encoding="utf-8")
    bib, diags = load({"bibliography": "refs.bib"}, tmp_path / "p.md", None)
    assert not bib.loaded and len(diags) == 1 and "no entries" in diags[0].message


def test_a_misspelt_name_falls_back_to_the_bib_named_like_the_post(tmp_path: Path) -> None:
    (tmp_path / "assets" / "bibliography").mkdir(parents=True)
    (tmp_path / "assets" / "bibliography" / "2025-01-01-post.bib").write_text(
        "@misc{k, title={K}}\n"
    )
    post = tmp_path / "_posts" / "2025-01-01-post.md"
    bib, diags = load({"bibliography": "2025-01-01-psot.bib"}, post, tmp_path)
    assert bib.loaded and bib.work("k") is not None
    assert len(diags) == 1 and "read 2025-01-01-post.bib, named like the post" in diags[0].message
