"""Hugo sites: page URLs by Hugo's rules, images found where Hugo serves them, never outside
the site root."""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath

import pytest
from pptx import Presentation

from deckgen.build import build
from deckgen.layout import images
from deckgen.source import hugo

from .conftest import make_png
from .slides import is_picture

SITE = Path(__file__).resolve().parent / "sites" / "hugo"
BUNDLE = SITE / "content" / "posts" / "bundle" / "index.md"
FLAT = SITE / "content" / "posts" / "flat.md"


def _site(**kw: object) -> hugo.Site:
    return hugo.Site(Path("/s"), Path("/s/content"), (Path("/s/static"),), (), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rel", "meta", "url"),
    [
        ("posts/slug.md", {}, "/posts/slug/"),
        ("posts/slug/index.md", {}, "/posts/slug/"),
        ("posts/_index.md", {}, "/posts/"),
        ("_index.md", {}, "/"),
        ("about.md", {}, "/about/"),
        ("posts/2024-05-01-long-name.md", {"slug": "short"}, "/posts/short/"),
        ("posts/dated/index.md", {"slug": "short"}, "/posts/short/"),
        ("posts/slug.md", {"url": "/talks/reefs/"}, "/talks/reefs/"),
        ("posts/slug.md", {"url": "talks/reefs", "slug": "x"}, "/talks/reefs/"),
        ("posts/slug.md", {"url": "/talks/reefs.html"}, "/talks/reefs.html"),
        ("Posts/My Post.md", {}, "/posts/my-post/"),
        ("posts/slug.fr.md", {}, "/posts/slug/"),
    ],
)
def test_page_urls_follow_hugos_rules(rel: str, meta: dict[str, object], url: str) -> None:
    assert hugo.page_url(PurePosixPath(rel), meta, _site()) == url


def test_ugly_urls_and_kept_case() -> None:
    site = _site(ugly_urls=True, lower=False)
    assert hugo.page_url(PurePosixPath("Posts/Slug.md"), {}, site) == "/Posts/Slug.html"
    assert hugo.join_url("/posts/slug.html", "img/a.png") == "/posts/img/a.png"


def test_paths_resolve_against_the_page_url_and_never_climb_above_the_root() -> None:
    assert hugo.join_url("/posts/slug/", "../img/a.png") == "/posts/img/a.png"
    assert hugo.join_url("/posts/slug/", "a.png") == "/posts/slug/a.png"
    assert hugo.join_url("/posts/slug/", "./x/../b.png") == "/posts/slug/b.png"
    assert hugo.join_url("/posts/slug/", "/img/a.png?v=2#top") == "/img/a.png"
    assert hugo.join_url("/posts/slug/", "a%20b.png") == "/posts/slug/a b.png"
    assert hugo.join_url("/posts/slug/", "../../img/a.png") == "/img/a.png"
    assert hugo.join_url("/posts/slug/", "../../../a.png") is None
    assert hugo.join_url("/posts/slug/", "/../a.png") is None


def test_a_site_is_hugo_by_its_configuration_or_its_folders(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "config.yaml").write_text("baseURL: https://x.org/blog/\ntheme: paper\n")
    site = hugo.Site.load(tmp_path / "a")
    assert site is not None and site.base_path == "/blog/"
    assert site.static[-1] == (tmp_path / "a" / "themes" / "paper" / "static").resolve()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "config.yaml").write_text("name: some other tool\n")
    assert hugo.Site.load(tmp_path / "b") is None
    for folder in ("content", "static"):
        (tmp_path / "b" / folder).mkdir()
    assert hugo.Site.load(tmp_path / "b") is not None
    assert hugo.Site.load(SITE) is not None  # hugo.toml


def test_a_post_written_for_hugo_is_a_page_even_without_a_configuration(tmp_path: Path) -> None:
    post = tmp_path / "content" / "notes" / "n.md"
    post.parent.mkdir(parents=True)
    post.write_text('+++\ntitle = "n"\n+++\n\n## A\n\n![x](../img/a.png)\n')
    page = hugo.page(post, {"title": "n"}, tmp_path)
    assert page is not None and page.url == "/notes/n/"
    post.write_text("---\ntitle: n\n---\n\n## A\n")
    assert hugo.page(post, {"title": "n"}, tmp_path) is None
    assert hugo.page(BUNDLE, {}, None) is None  # no site root: no site


def test_images_are_found_in_the_bundle_content_static_and_assets() -> None:
    bundle = hugo.page(BUNDLE, {}, SITE)
    flat = hugo.page(FLAT, {}, SITE)
    assert bundle is not None and flat is not None
    assert bundle.bundle == BUNDLE.parent
    expected = {
        (bundle, "transect.png"): "content/posts/bundle/transect.png",
        (flat, "../img/before.png"): "content/posts/img/before.png",
        (flat, "/img/after.png"): "static/img/after.png",
        (flat, "/diagrams/depth.png"): "assets/diagrams/depth.png",
        (flat, "gull.png"): "static/posts/flat/gull.png",
    }
    for (page, src), rel in expected.items():
        found = images.resolve(src, page.bundle or FLAT.parent, SITE, page=page)
        assert isinstance(found, images.ImageSource), (src, found)
        assert found.path == SITE / rel


def test_every_figure_of_the_hugo_site_is_a_picture_in_the_pptx(tmp_path: Path) -> None:
    for post, count in ((BUNDLE, 2), (FLAT, 4)):
        result = build(post, tmp_path, formats=("pptx",), site_root=SITE)
        assert [d.message for d in result.diagnostics if d.level != "info"] == []
        prs = Presentation(str(tmp_path / f"{post.stem}.pptx"))
        pictures = [sh for s in prs.slides for sh in s.shapes if is_picture(sh)]
        assert len(pictures) == count, post


def test_a_path_escaping_the_site_root_is_still_refused(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    secret = make_png(tmp_path / "secret.png", (40, 30), "#ff0000")
    (site / "static" / "img" / "link.png").symlink_to(secret)
    post = site / "content" / "posts" / "bundle" / "escape.md"
    post.write_text(
        "---\ntitle: Out\n---\n\n## One\n\n![a](../../../../secret.png)\n\n"
        "## Two\n\n![b](/../secret.png)\n\n## Three\n\n![c](/img/link.png)\n"
    )
    result = build(post, tmp_path / "out", formats=("pptx",), site_root=site)
    warned = [d.message for d in result.diagnostics if d.level == "warning"]
    assert warned == [
        "image path leaves the site: ../../../../secret.png",
        "image path leaves the site: /../secret.png",
        "image path leaves the allowed folder: /img/link.png",
    ]
    prs = Presentation(str(tmp_path / "out" / "escape.pptx"))
    assert not [sh for s in prs.slides for sh in s.shapes if is_picture(sh)]


def test_a_missing_image_says_where_hugo_would_have_it(tmp_path: Path) -> None:
    flat = hugo.page(FLAT, {}, SITE)
    assert flat is not None
    problem = images.resolve("../img/none.png", FLAT.parent, SITE, page=flat)
    assert isinstance(problem, images.ImageProblem)
    assert problem.message == (
        f"image not found: ../img/none.png (looked in {SITE} at: content/posts/img/none.png, "
        "static/posts/img/none.png, assets/posts/img/none.png, content/img/none.png)"
    )


def test_a_site_prefix_from_base_url_is_understood(tmp_path: Path) -> None:
    (tmp_path / "hugo.toml").write_text('baseURL = "https://x.github.io/blog/"\n')
    make_png(tmp_path / "static" / "img" / "a.png")
    post = tmp_path / "content" / "p.md"
    post.parent.mkdir()
    post.write_text("---\ntitle: p\n---\n")
    page = hugo.page(post, {}, tmp_path)
    assert page is not None
    found = images.resolve("/blog/img/a.png", post.parent, tmp_path, page=page)
    assert isinstance(found, images.ImageSource)


def test_published_files_go_to_the_bundle_or_under_static() -> None:
    bundle = hugo.page(BUNDLE, {}, SITE)
    flat = hugo.page(FLAT, {}, SITE)
    assert bundle is not None and flat is not None
    assert hugo.publish_target(bundle, "limpets.pdf") == BUNDLE.parent / "limpets.pdf"
    assert hugo.publish_target(bundle, "/decks/l.pdf") == SITE / "static" / "decks" / "l.pdf"
    assert hugo.publish_target(flat, "rock.pdf") == SITE / "static" / "posts" / "flat" / "rock.pdf"


def test_build_publish_writes_the_pdf_where_a_hugo_page_links_to_it(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    for post, target in (
        (site / "content" / "posts" / "bundle" / "index.md", "content/posts/bundle/limpets.pdf"),
        (site / "content" / "posts" / "flat.md", "static/decks/rock-pools.pdf"),
    ):
        result = build(post, tmp_path / "out", formats=(), site_root=site, publish=True)
        assert result.written == (site / target,)
        assert (site / target).read_bytes().startswith(b"%PDF")


def test_a_sites_own_figure_shortcode_is_a_figure(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    post = site / "content" / "posts" / "bundle" / "own.md"
    post.write_text(
        "---\ntitle: Own\n---\n\n## One\n\n"
        '{{< media\nsrc="counts.png"\ncaption="Counts by boulder."\n>}}\n\n'
        "## Two\n\n{{< img /img/after.png >}}\n\n## Three\n\n{{< youtube abc123 >}}\n"
    )
    result = build(post, tmp_path / "out", formats=("pptx",), site_root=site)
    notes = [(d.level, d.line, d.message) for d in result.diagnostics if "shortcode" in d.message]
    assert notes == [
        ("info", 7, "Hugo shortcode media shown as a figure of its src"),
        ("info", 14, "Hugo shortcode img shown as a figure of its first parameter"),
        ("warning", 18, "Hugo shortcode dropped: youtube; its inner text is kept"),
    ]
    prs = Presentation(str(tmp_path / "out" / "own.pptx"))
    pictures = [sh for s in prs.slides for sh in s.shapes if is_picture(sh)]
    assert len(pictures) == 2
    text = " ".join(sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame)
    assert "Counts by boulder." in text
