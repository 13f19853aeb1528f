"""The site a post is in: found above it, its config read, its posts' URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckgen.source.site import HUGO, JEKYLL, find_site_root, read_site, slugify


def touch(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_jekyll_site_is_found_from_a_post_deep_inside_it(tmp_path: Path) -> None:
    touch(tmp_path / "_config.yml", "title: Reef Log\nbaseurl: /log/\nurl: https://r.example\n")
    post = touch(tmp_path / "_posts" / "2020" / "2020-05-01-kelp.md")
    root = find_site_root(post)
    assert root == tmp_path.resolve()
    site, problem = read_site(root)
    assert (site.kind, problem, site.config["title"]) == (JEKYLL, "", "Reef Log")
    assert (site.baseurl, site.url) == ("/log", "https://r.example")
    assert site.relative_url("assets/a.png") == "/log/assets/a.png"
    assert site.absolute_url("/assets/a.png") == "https://r.example/log/assets/a.png"
    assert site.relative_url("https://elsewhere.example/x") == "https://elsewhere.example/x"


@pytest.mark.parametrize("config", ["hugo.toml", "config.toml", "config.yaml"])
def test_a_hugo_site_is_found_by_its_config(tmp_path: Path, config: str) -> None:
    touch(tmp_path / config, 'baseURL = "https://h.example/sub/"\n' if "toml" in config else "")
    post = touch(tmp_path / "content" / "posts" / "a.md")
    site, _ = read_site(find_site_root(post) or tmp_path)
    assert site.kind == HUGO and site.root == tmp_path.resolve()


def test_a_config_toml_without_content_is_not_a_hugo_site(tmp_path: Path) -> None:
    touch(tmp_path / "config.toml")
    (tmp_path / ".git").mkdir()
    assert find_site_root(touch(tmp_path / "notes" / "a.md")) is None


def test_the_walk_stops_at_the_top_of_the_repository(tmp_path: Path) -> None:
    touch(tmp_path / "_config.yml")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    assert find_site_root(touch(tmp_path / "repo" / "posts" / "a.md")) is None


def test_a_broken_config_is_reported_and_read_as_empty(tmp_path: Path) -> None:
    touch(tmp_path / "_config.yml", "title: [unclosed\n")
    site, problem = read_site(tmp_path)
    assert site.kind == JEKYLL and dict(site.config) == {}
    assert problem.startswith("site config not read")


@pytest.mark.parametrize(
    ("permalink", "url"),
    [
        (None, "/notes/2018/02/19/Hello-World.html"),
        ("date", "/notes/2018/02/19/Hello-World.html"),
        ("pretty", "/notes/2018/02/19/Hello-World/"),
        ("ordinal", "/notes/2018/050/Hello-World.html"),
        ("none", "/notes/Hello-World.html"),
        ("/blog/:year/:title/", "/blog/2018/Hello-World/"),
        ("/:short_year/:i_month/:slug", "/18/2/hello-world"),
    ],
)
def test_a_post_url_follows_the_permalink_setting(
    tmp_path: Path, permalink: str | None, url: str
) -> None:
    touch(tmp_path / "_config.yml", f"permalink: {permalink}\n" if permalink else "")
    post = touch(
        tmp_path / "_posts" / "2018-02-19-Hello-World.md", "---\ncategories: Notes\n---\nx\n"
    )
    site, _ = read_site(tmp_path)
    assert site.posts["2018-02-19-Hello-World"] == post
    assert site.post_url(post) == url


def test_a_post_permalink_and_date_in_its_front_matter_win(tmp_path: Path) -> None:
    touch(tmp_path / "_config.yml", "permalink: pretty\n")
    moved = touch(tmp_path / "_posts" / "2018-02-19-a.md", "---\npermalink: /about-a/\n---\n")
    redated = touch(tmp_path / "_posts" / "2018-02-19-b.md", "---\ndate: 2019-12-31 10:00\n---\n")
    site, _ = read_site(tmp_path)
    assert site.post_url(moved) == "/about-a/"
    assert site.post_url(redated) == "/2019/12/31/b/"


def test_pages_and_files_have_the_url_link_gives_them(tmp_path: Path) -> None:
    touch(tmp_path / "_config.yml")
    site, _ = read_site(tmp_path)
    about = touch(tmp_path / "about.md", "---\ntitle: About\n---\n")
    custom = touch(tmp_path / "docs" / "x.md", "---\npermalink: /x/\n---\n")
    index = touch(tmp_path / "docs" / "index.md")
    pdf = touch(tmp_path / "files" / "talk.pdf")
    assert [site.page_url(p) for p in (about, custom, index, pdf)] == [
        "/about.html",
        "/x/",
        "/docs/",
        "/files/talk.pdf",
    ]


def test_slugify_modes() -> None:
    assert slugify("The _config.yml file") == "the-config-yml-file"
    assert slugify("The _config.yml file", "pretty") == "the-_config.yml-file"
    assert slugify("Café au lait", "latin") == "cafe-au-lait"
    assert slugify("Hello World!", "raw") == "hello-world!"


def test_a_given_root_without_a_config_is_a_jekyll_folder_unless_it_has_content(
    tmp_path: Path,
) -> None:
    assert read_site(tmp_path)[0].kind == JEKYLL
    (tmp_path / "content").mkdir()
    assert read_site(tmp_path)[0].kind == HUGO
