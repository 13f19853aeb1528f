"""Image resolution and encoding: safe look-ups, honest problems, small stable bytes."""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path

import pytest
from PIL import Image

from deckgen.layout import images

from .conftest import make_png


def test_site_paths_resolve_under_the_site_root(tmp_path: Path) -> None:
    make_png(tmp_path / "site" / "assets" / "a.png", (300, 200))
    found = images.resolve("/assets/a.png", tmp_path / "posts", tmp_path / "site")
    assert isinstance(found, images.ImageSource)
    assert (found.width, found.height) == (300, 200)


def test_relative_paths_resolve_next_to_the_post(tmp_path: Path) -> None:
    make_png(tmp_path / "img" / "b.png")
    assert isinstance(images.resolve("img/b.png", tmp_path, None), images.ImageSource)


def test_a_missing_image_says_where_it_looked(tmp_path: Path) -> None:
    problem = images.resolve("nope.png", tmp_path, None)
    assert isinstance(problem, images.ImageProblem)
    assert (
        problem.message
        == f"image not found: nope.png (looked in: {tmp_path.resolve() / 'nope.png'})"
    )


def test_paths_that_leave_the_allowed_folders_are_refused(tmp_path: Path) -> None:
    (tmp_path / "post").mkdir()
    make_png(tmp_path / "secret.png")
    for src in ("../secret.png", "/../secret.png", "file:///etc/passwd"):
        problem = images.resolve(src, tmp_path / "post", tmp_path / "post")
        assert isinstance(problem, images.ImageProblem), src


def test_remote_images_are_not_fetched(tmp_path: Path) -> None:
    problem = images.resolve("https://example.org/x.png", tmp_path, None)
    assert isinstance(problem, images.ImageProblem)
    assert problem.message.startswith("remote image not fetched")


def test_files_that_are_not_images_are_reported(tmp_path: Path) -> None:
    (tmp_path / "fake.png").write_text("not really a png")
    problem = images.resolve("fake.png", tmp_path, None)
    assert isinstance(problem, images.ImageProblem)
    assert problem.message.startswith("not a readable image")


def test_data_uris_work(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(buf, "PNG")
    uri = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    found = images.resolve(uri, tmp_path, None)
    assert isinstance(found, images.ImageSource)
    assert (found.width, found.height) == (4, 3)


def test_drawings_stay_png_and_photos_become_jpeg(tmp_path: Path) -> None:
    flat = make_png(tmp_path / "flat.png", (400, 300))
    noisy = tmp_path / "noisy.png"
    bands = [Image.effect_noise((400, 300), sigma) for sigma in (60, 70, 80)]
    Image.merge("RGB", bands).save(noisy)
    assert images.encode(flat.read_bytes(), (200, 150))[1] == "png"
    assert images.encode(noisy.read_bytes(), (200, 150))[1] == "jpeg"
    data, _ = images.encode(noisy.read_bytes(), (200, 150))
    assert Image.open(io.BytesIO(data)).size == (200, 150)


def test_a_warm_resolve_opens_no_image_and_a_changed_file_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir = tmp_path / "cache"
    make_png(tmp_path / "a.png", (300, 200))
    cold = images.resolve("a.png", tmp_path, None, cache_dir=cache_dir)
    assert isinstance(cold, images.ImageSource) and cold.digest

    def no_opening(*args: object) -> None:
        raise AssertionError("a warm resolve opened the image")

    with monkeypatch.context() as m:
        m.setattr(images, "_probe", no_opening)
        warm = images.resolve("a.png", tmp_path, None, cache_dir=cache_dir)
    assert warm == cold
    make_png(tmp_path / "a.png", (640, 480))  # a new size: a new length and time
    changed = images.resolve("a.png", tmp_path, None, cache_dir=cache_dir)
    assert isinstance(changed, images.ImageSource)
    assert (changed.width, changed.height) == (640, 480)
    assert changed.digest != cold.digest


@pytest.mark.parametrize("cached", [True, False], ids=["with a cache", "without one"])
def test_a_picture_replaced_by_one_of_the_same_length_and_time_shows_the_new_one(
    tmp_path: Path, cached: bool
) -> None:
    """As `cp -p`, `rsync -t` or a checkout can leave it, seen by the same process (serve)."""
    cache_dir = tmp_path / "cache" if cached else None
    path = tmp_path / "figure.png"

    def draw(color: str) -> None:  # stored, not compressed: the same length in every colour
        Image.new("RGB", (64, 40), color).save(path, compress_level=0)

    def shown() -> tuple[int, ...]:
        src = images.resolve(path.name, tmp_path, None, cache_dir=cache_dir)
        assert isinstance(src, images.ImageSource)
        prepared = images.prepare(src, (32, 20), cache_dir)
        assert not isinstance(prepared, images.ImageProblem)
        with Image.open(io.BytesIO(prepared[0])) as im:
            return tuple(im.convert("RGB").getpixel((5, 5)))

    draw("#ff0000")
    stamp = path.stat()
    assert shown()[0] > 200  # red
    size = stamp.st_size
    draw("#0000ff")
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert path.stat().st_size == size and path.stat().st_mtime_ns == stamp.st_mtime_ns
    assert shown()[2] > 200  # blue, not the red remembered
    if cache_dir is not None:  # and nothing of red's under blue's key
        fresh = images.resolve(path.name, tmp_path, None, cache_dir=tmp_path / "fresh")
        assert isinstance(fresh, images.ImageSource)
        prepared = images.prepare(fresh, (32, 20), cache_dir)
        assert not isinstance(prepared, images.ImageProblem)
        with Image.open(io.BytesIO(prepared[0])) as im:
            assert im.convert("RGB").getpixel((5, 5))[2] > 200


def test_a_percent_escaped_path_is_decoded_as_a_browser_does_and_kept_as_written_too(
    tmp_path: Path,
) -> None:
    spaced = make_png(tmp_path / "my image.png")
    literal = make_png(tmp_path / "odd%41.png")
    found = images.resolve("my%20image.png", tmp_path, None)
    assert isinstance(found, images.ImageSource) and found.path == spaced
    kept = images.resolve("odd%41.png", tmp_path, None)  # no oddA.png: the name as written
    assert isinstance(kept, images.ImageSource) and kept.path == literal
    assert isinstance(images.resolve("a%00b.png", tmp_path, None), images.ImageProblem)
