"""deckgen publish: every post with pdf: built where it links to it, skipped when nothing it
reads changed, one line per post, failures named and counted."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from click.testing import CliRunner, Result
from pptx import Presentation

from deckgen.cli import main
from deckgen.publish import MANIFEST, find_posts

from .conftest import make_png

HUGO = Path(__file__).resolve().parent / "sites" / "hugo"


def _post(title: str, image: str, pdf: str | None) -> str:
    link = f"pdf: {pdf}\n" if pdf else ""
    return (
        f"---\ntitle: {title}\nauthor: Ines Varga\n{link}---\n\n"
        f"A short walk along the shore.\n\n## The {title.lower()}\n\n"
        f"![A picture of the {title.lower()}]({image})\n\n"
        "## What we saw\n\n- Barnacles on the upper rocks\n- Wrack in the gullies\n"
    )


def _site(tmp_path: Path) -> Path:
    """A Jekyll-like site: two posts with pdf:, one without."""
    site = tmp_path / "site"
    posts = site / "_posts"
    posts.mkdir(parents=True)
    (site / "_config.yml").write_text("title: Shore Walks\n")
    make_png(site / "assets" / "img" / "crabs.png", (120, 80), "#aa5533")
    make_png(site / "assets" / "img" / "weed.png", (120, 80), "#33aa55")
    (posts / "2025-01-01-crabs.md").write_text(
        _post("Crabs", "/assets/img/crabs.png", "/assets/decks/crabs.pdf")
    )
    (posts / "2025-02-01-weed.md").write_text(
        _post("Weed", "/assets/img/weed.png", "/assets/decks/weed.pdf")
    )
    (posts / "2025-03-01-notes.md").write_text(_post("Notes", "/assets/img/weed.png", None))
    return site


def _publish(site: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["publish", str(site), *args])


def _lines(result: Result) -> list[str]:
    return result.stdout.splitlines()


def test_every_post_with_pdf_is_built_where_it_links_to_it(tmp_path: Path) -> None:
    site = _site(tmp_path)
    result = _publish(site, "--format", "pdf,pptx", "-j", "2")
    assert result.exit_code == 0, result.output
    crabs, weed = (site / "assets" / "decks" / f"{n}.pdf" for n in ("crabs", "weed"))
    assert _lines(result) == [
        f"built {site}/_posts/2025-01-01-crabs.md (3 slides): {crabs}, {crabs.with_suffix('.pptx')}",
        f"built {site}/_posts/2025-02-01-weed.md (3 slides): {weed}, {weed.with_suffix('.pptx')}",
    ]
    assert result.stderr.splitlines() == ["2 built, 0 skipped, 0 failed"]
    for pdf in (crabs, weed):
        assert pdf.read_bytes().startswith(b"%PDF")
        assert len(Presentation(str(pdf.with_suffix(".pptx"))).slides) == 3
    assert sorted(p.name for p in (site / "assets" / "decks").iterdir()) == [
        "crabs.pdf",
        "crabs.pptx",
        "weed.pdf",
        "weed.pptx",
    ]
    assert (site / MANIFEST).is_file()


def test_a_second_run_skips_everything_and_a_changed_image_rebuilds_only_its_post(
    tmp_path: Path,
) -> None:
    site = _site(tmp_path)
    assert _publish(site).exit_code == 0
    before = (site / "assets" / "decks" / "crabs.pdf").read_bytes()
    again = _publish(site)
    assert again.exit_code == 0
    assert [line.split()[0] for line in _lines(again)] == ["skipped", "skipped"]
    assert again.stderr.splitlines() == ["0 built, 2 skipped, 0 failed"]

    make_png(site / "assets" / "img" / "weed.png", (120, 80), "#3355aa")  # new bytes
    changed = _publish(site)
    assert [line.split()[:2] for line in _lines(changed)] == [
        ["skipped", f"{site}/_posts/2025-01-01-crabs.md"],
        ["built", f"{site}/_posts/2025-02-01-weed.md"],
    ]
    assert (site / "assets" / "decks" / "crabs.pdf").read_bytes() == before

    image = site / "assets" / "img" / "crabs.png"  # touched, same bytes: nothing to do
    os.utime(image, ns=(image.stat().st_atime_ns, image.stat().st_mtime_ns + 10**9))
    assert [line.split()[0] for line in _lines(_publish(site))] == ["skipped", "skipped"]


def test_a_missing_output_or_a_changed_post_is_built_again(tmp_path: Path) -> None:
    site = _site(tmp_path)
    assert _publish(site).exit_code == 0
    (site / "assets" / "decks" / "weed.pdf").unlink()
    post = site / "_posts" / "2025-01-01-crabs.md"
    post.write_text(post.read_text() + "- A crab under every stone\n")
    result = _publish(site)
    assert [line.split()[0] for line in _lines(result)] == ["built", "built"]
    assert (site / "assets" / "decks" / "weed.pdf").is_file()
    forced = _publish(site, "--force")
    assert [line.split()[0] for line in _lines(forced)] == ["built", "built"]


def test_a_failing_post_is_one_line_the_others_are_built_and_the_exit_is_non_zero(
    tmp_path: Path,
) -> None:
    site = _site(tmp_path)
    (site / "_posts" / "2025-04-01-broken.md").write_text(
        "---\ntitle: [unclosed\npdf: /assets/decks/broken.pdf\n---\n\n## A\n"
    )
    (site / "_posts" / "2025-05-01-outside.md").write_text(_post("Out", "x.png", "/../out.pdf"))
    result = _publish(site)
    assert result.exit_code == 1
    assert [line.split()[0] for line in _lines(result)] == ["built", "built"]
    assert result.stderr.splitlines() == [
        f"failed {site}/_posts/2025-04-01-broken.md:3: error: invalid YAML front matter: "
        "expected ',' or ']', but got ':'",
        f"failed {site}/_posts/2025-05-01-outside.md: error: pdf: expected a .pdf path inside "
        "the site root, got '/../out.pdf'",
        "2 built, 0 skipped, 2 failed",
    ]
    again = _publish(site)  # failed posts are tried again; the others are skipped
    assert again.exit_code == 1
    assert [line.split()[0] for line in _lines(again)] == ["skipped", "skipped"]
    assert again.stderr.splitlines()[-1] == "0 built, 2 skipped, 2 failed"


def test_a_hugo_site_publishes_into_static_and_page_bundles(tmp_path: Path) -> None:
    site = tmp_path / "hugo"
    shutil.copytree(HUGO, site)
    result = _publish(site)
    assert result.exit_code == 0, result.output
    assert (site / "static" / "decks" / "rock-pools.pdf").is_file()
    assert (site / "content" / "posts" / "bundle" / "limpets.pdf").is_file()
    assert "warning" not in result.output


def test_posts_are_found_outside_the_folders_a_site_build_makes(tmp_path: Path) -> None:
    site = tmp_path / "s"
    text = "---\ntitle: t\npdf: /t.pdf\n---\n\n## A\n"
    for rel in (
        "_posts/a.md",
        "content/posts/b/index.md",
        "talks/c.markdown",
        "_site/d.md",
        "public/e.md",
        "node_modules/x/f.md",
        "vendor/bundle/g.md",
        ".git/h.md",
    ):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text)
    (site / "README.md").write_text("# A site\n")
    (site / "nested.md").write_text("---\nlinks:\n  pdf: /x.pdf\n---\n")
    found = [p.relative_to(site).as_posix() for p in find_posts(site)]
    assert found == ["_posts/a.md", "content/posts/b/index.md", "talks/c.markdown"]


def test_the_folder_a_site_build_writes_to_is_never_searched(tmp_path: Path) -> None:
    text = "---\ntitle: t\npdf: /t.pdf\n---\n\n## A\n"
    hugo_site, jekyll_site = tmp_path / "h", tmp_path / "j"
    for site in (hugo_site, jekyll_site):
        for rel in ("content/a.md", "docs/b.md", "out/c.md"):
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / rel).write_text(text)
    (hugo_site / "hugo.toml").write_text('publishDir = "docs"\n')
    (jekyll_site / "_config.yml").write_text("destination: out\n")
    assert [p.relative_to(hugo_site).as_posix() for p in find_posts(hugo_site)] == [
        "content/a.md",
        "out/c.md",
    ]
    assert [p.relative_to(jekyll_site).as_posix() for p in find_posts(jekyll_site)] == [
        "content/a.md",
        "docs/b.md",
    ]
