"""Images: resolve a post's image references safely, read their size, encode them once.

Resolution only looks inside the post's folder and the site root. Encoding downsamples to
what the slide needs and picks JPEG for photos, PNG for drawings; the result is memoized,
so the PPTX and the PDF embed the same bytes and each image is decoded once per build.
An SVG (by its name, its data: URI's type or its content) is read by `svg.py`: its size
from its attributes, its raster drawn at the size the slide needs, its cleaned text kept.
"""

from __future__ import annotations

import base64
import functools
import io
import os
import re
import urllib.parse
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from .. import cache
from ..source import hugo
from . import svg

MAX_PIXELS = 60_000_000  # refuse to decode images larger than this (decompression bombs)
MAX_FILE_BYTES = 100 * 1024 * 1024  # an image file larger than this is not read at all
_DATA_URI = re.compile(r"^data:image/[\w.+-]+;base64,(.*)$", re.S | re.I)
# an SVG written into the URI as text (percent-encoded or not) rather than base64
_SVG_TEXT_URI = re.compile(r"^data:image/svg\+xml(?:;(?!base64)[^,]*)?,(.*)$", re.S | re.I)


@dataclass(frozen=True)
class ImageSource:
    """Images: a readable image: where its bytes are and its pixel size."""

    path: Path | None
    data: bytes | None
    width: int
    height: int
    digest: str  # a hash of the bytes: names the prepared variants in the cache
    vector: bool = False  # an SVG: drawn to any size (`width`, `height` are its CSS px)


@dataclass(frozen=True)
class ImageProblem:
    """Images: why an image cannot be shown, and where deckgen looked."""

    message: str


def resolve(
    src: str,
    post_dir: Path,
    site_root: Path | None,
    fetch_remote: bool = False,
    cache_dir: Path | None = None,
    page: hugo.Page | None = None,
    url: str | None = None,
) -> ImageSource | ImageProblem:
    """Find and check the image `src` as written in a post (of the Hugo `page`, if it is
    one; at the Jekyll page `url`, if it is one); a file's size and hash are kept in
    `cache_dir`, by its path and `_stamp`."""
    if not src:
        return ImageProblem("image has no src")
    t = _SVG_TEXT_URI.match(src)
    if t:
        data = urllib.parse.unquote_to_bytes(t.group(1))
        return _probe(None, data, "data: URI", cache.key(data))
    m = _DATA_URI.match(src)
    if m:
        try:
            data = base64.b64decode(m.group(1), validate=False)
        except ValueError:
            return ImageProblem("data: URI is not valid base64")
        return _probe(None, data, "data: URI", cache.key(data))
    lower = src.lower()
    if lower.startswith(("http://", "https://", "//")):
        if not fetch_remote:
            return ImageProblem(f"remote image not fetched: {src} (use --fetch-remote)")
        return _fetch("https:" + src if src.startswith("//") else src)
    if ":" in src.split("/")[0]:
        return ImageProblem(f"image URL scheme not allowed: {src}")
    found = local_file(src, post_dir, site_root, page, url)
    if isinstance(found, ImageProblem):
        return found
    return _probe_file(found, cache_dir)


def local_file(
    src: str,
    post_dir: Path,
    site_root: Path | None,
    page: hugo.Page | None = None,
    url: str | None = None,
) -> Path | ImageProblem:
    """The file a local image path names, or why there is none: every place it may be, in
    turn (`local_candidates`), the first that exists."""
    found = _places(src, post_dir, site_root, page, url)
    if isinstance(found, ImageProblem):
        return found
    places, refused = found
    for place in places:
        if place.is_file():
            return place
    if not places or any(place.is_file() for place in refused):
        return ImageProblem(f"image path leaves the allowed folder: {src}")
    if page is not None:
        root = page.site.root
        shown = ", ".join(str(p.relative_to(root)) for p in places)
        return ImageProblem(f"image not found: {src} (looked in {root} at: {shown})")
    return ImageProblem(f"image not found: {src} (looked in: {places[0]})")


def local_candidates(
    src: str,
    post_dir: Path,
    site_root: Path | None,
    page: hugo.Page | None = None,
    url: str | None = None,
) -> list[Path] | ImageProblem:
    """Where the local image `src` may be, best first, each inside the folders deckgen reads:
    the post's folder and the site root. A Hugo `page` looks where Hugo serves the path from
    (its bundle, `content/`, `static/`, `assets/`: `hugo.candidates`), then beside the post.
    A relative path in a Jekyll post at `url` is also where a browser finds it: resolved
    against the page's URL, under the site root."""
    found = _places(src, post_dir, site_root, page, url)
    if isinstance(found, ImageProblem):
        return found
    if not found[0]:
        return ImageProblem(f"image path leaves the allowed folder: {src}")
    return found[0]


def _places(
    src: str, post_dir: Path, site_root: Path | None, page: hugo.Page | None, url: str | None
) -> tuple[list[Path], list[Path]] | ImageProblem:
    """`local_candidates`, resolved: those inside the allowed folders, and those outside.
    A path with %-escapes is looked for decoded first, as a browser asks for `my image.png`
    when a page says `my%20image.png`, then as written."""
    clean = src.split("?")[0].split("#")[0]
    if clean.startswith("/") and site_root is None:
        return ImageProblem(
            f"image not found: {src} (a site path: pass --site-root to say where the site is)"
        )
    decoded = urllib.parse.unquote(clean)
    kept: list[Path] = []
    refused: list[Path] = []
    for variant in dict.fromkeys((decoded, clean) if "\0" not in decoded else (clean,)):
        found = _places_of(src, variant, post_dir, site_root, page, url)
        if isinstance(found, ImageProblem):
            return found
        kept += found[0]
        refused += found[1]
    return list(dict.fromkeys(kept)), refused


def _places_of(
    src: str,
    clean: str,
    post_dir: Path,
    site_root: Path | None,
    page: hugo.Page | None,
    url: str | None,
) -> tuple[list[Path], list[Path]] | ImageProblem:
    """`_places` for the path `clean` (`src` without its query and fragment, decoded or not)."""
    roots = [r.resolve() for r in (post_dir, site_root) if r is not None]
    if page is not None:
        found = hugo.candidates(clean, page)
        if found is None:
            return ImageProblem(f"image path leaves the site: {src}")
        roots = [page.site.root]
        places = [
            *found,
            post_dir / clean if not clean.startswith("/") else page.site.root / clean.lstrip("/"),
        ]
    elif clean.startswith("/"):
        assert site_root is not None
        roots = [site_root.resolve()]
        places = [site_root / clean.lstrip("/")]
    else:
        places = [post_dir / clean]
        served = hugo.join_url(url, clean) if url is not None and site_root else None
        if served is not None and site_root is not None:
            places.append(site_root / served.lstrip("/"))
    kept: list[Path] = []
    refused: list[Path] = []
    for place in places:
        path = place.resolve()
        inside = any(path.is_relative_to(root) for root in roots)
        (kept if inside else refused).append(path)
    return list(dict.fromkeys(kept)), refused


def _probe_file(path: Path, cache_dir: Path | None) -> ImageSource | ImageProblem:
    """`_probe` for a file, remembered between builds (a warm build opens no image)."""
    st = path.stat()
    name = cache.key(f"{path}|{_stamp(st)}", "probe")
    hit = (cache.get(cache_dir, name) or b"").split()
    if len(hit) in (3, 4) and hit[0].isdigit() and hit[1].isdigit():
        vector = hit[3:] == [b"svg"]
        return ImageSource(path, None, int(hit[0]), int(hit[1]), hit[2].decode(), vector)
    if st.st_size > svg.MAX_BYTES and _svg_named(path):  # not read, not even to hash it
        return ImageProblem(f"SVG larger than {svg.MAX_BYTES >> 20} MB, not read: {path}")
    if st.st_size > MAX_FILE_BYTES:
        return ImageProblem(f"image file larger than {MAX_FILE_BYTES >> 20} MB, not read: {path}")
    found = _probe(path, None, str(path), "")  # its header: only an image is hashed
    if isinstance(found, ImageSource):
        found = replace(found, digest=_file_digest(path, _stamp(st)))
        kind = " svg" if found.vector else ""
        cache.put(cache_dir, name, f"{found.width} {found.height} {found.digest}{kind}".encode())
    return found


REMOTE_TIMEOUT = 10.0  # seconds
REMOTE_MAX_BYTES = 20 * 1024 * 1024


@functools.lru_cache(maxsize=64)
def _fetch(url: str) -> ImageSource | ImageProblem:
    """Download a remote image, with a timeout and a size cap."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "deckgen"})
    try:
        with urllib.request.urlopen(request, timeout=REMOTE_TIMEOUT) as response:
            data = response.read(REMOTE_MAX_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return ImageProblem(f"remote image could not be fetched ({exc}): {url}")
    if len(data) > REMOTE_MAX_BYTES:
        return ImageProblem(f"remote image larger than {REMOTE_MAX_BYTES >> 20} MB: {url}")
    return _probe(None, data, url, cache.key(data))


def _probe(
    path: Path | None, data: bytes | None, where: str, digest: str
) -> ImageSource | ImageProblem:
    if _is_svg(path, data):
        return _probe_svg(path, data, where, digest)
    try:
        with warnings.catch_warnings():  # the size is checked below, on our own terms
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path if path is not None else io.BytesIO(data or b"")) as im:
                w, h = im.size
    except Image.DecompressionBombError:
        return ImageProblem(f"image too large to decode safely: {where}")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return ImageProblem(f"not a readable image: {where}")
    if w * h > MAX_PIXELS:
        return ImageProblem(f"image too large to decode safely ({w}×{h} pixels): {where}")
    if w <= 0 or h <= 0:
        return ImageProblem(f"image has no pixels: {where}")
    return ImageSource(path, data, w, h, digest)


def _svg_named(path: Path) -> bool:
    return path.suffix.lower() in (".svg", ".svgz")


_RASTER_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF", b"BM", b"II*\0", b"MM\0*")


def _is_svg(path: Path | None, data: bytes | None) -> bool:
    """An SVG by its first bytes (gzip-compressed or not), or by its name when they are not
    a raster picture's (a PNG named .svg is a PNG)."""
    if path is not None:
        try:
            with path.open("rb") as fh:
                head = fh.read(4096)
        except OSError:
            return _svg_named(path)
    else:
        head = (data or b"")[:4096]
    if svg.looks_like(head):
        return True
    return path is not None and _svg_named(path) and not head.startswith(_RASTER_MAGIC)


def _probe_svg(
    path: Path | None, data: bytes | None, where: str, digest: str
) -> ImageSource | ImageProblem:
    """An SVG's size in CSS pixels (rounded), once it reads as an SVG."""
    try:
        found = svg.read(_svg_bytes(path, data))
    except svg.SvgError as exc:
        return ImageProblem(f"not a readable SVG ({exc}): {where}")
    except OSError as exc:
        return ImageProblem(f"SVG cannot be read ({exc.strerror or exc}): {where}")
    w, h = max(1, round(found.width)), max(1, round(found.height))
    return ImageSource(path, data, w, h, digest, vector=True)


def _svg_bytes(path: Path | None, data: bytes | None) -> bytes:
    """The SVG's text: the file's (capped, an .svgz decompressed) or the URI's."""
    if path is not None:
        return svg.read_file(path)
    raw = svg.unzip(data or b"")
    if len(raw) > svg.MAX_BYTES:
        raise svg.SvgError(f"SVG larger than {svg.MAX_BYTES >> 20} MB, not read")
    return raw


def vector(src: ImageSource, cache_dir: Path | None = None) -> bytes | ImageProblem:
    """An SVG's cleaned text (no script, nothing loaded from outside), kept in the cache."""
    return _cleaned(_key(src, f"svg-clean-{svg.VERSION}"), src.path, src.data, cache_dir)


@functools.lru_cache(maxsize=64)
def _cleaned(
    name: str, path: Path | None, data: bytes | None, cache_dir: Path | None
) -> bytes | ImageProblem:
    hit = cache.get(cache_dir, name)
    if hit is not None:
        return hit
    try:
        cleaned = svg.read(_svg_bytes(path, data)).data
    except (svg.SvgError, OSError) as exc:
        return ImageProblem(f"not a readable SVG ({exc}): {path or 'data: URI'}")
    cache.put(cache_dir, name, cleaned)
    return cleaned


Crop = tuple[int, int, int, int]  # left, top, right, bottom in the source's pixels


def prepare(
    src: ImageSource,
    pixels: tuple[int, int],
    cache_dir: Path | None = None,
    crop: Crop | None = None,
) -> tuple[bytes, str] | ImageProblem:
    """`src` decoded, cut to `crop`, downsampled to `pixels`, or why it cannot be (corrupt).

    Results are kept in the content-addressed cache, so a warm build decodes nothing.
    """
    variant = f"{pixels[0]}x{pixels[1]}" + (f"@{crop}" if crop else "")
    if src.vector:
        name = _key(src, variant, f"svg-raster-{svg.VERSION}", svg.fonts_id())
        return _rasterised(name, src, pixels, cache_dir, crop)
    return _prepared(_key(src, variant), src.digest, src.path, src.data, pixels, cache_dir, crop)


@functools.lru_cache(maxsize=256)
def _rasterised(
    name: str,
    src: ImageSource,
    pixels: tuple[int, int],
    cache_dir: Path | None,
    crop: Crop | None,
) -> tuple[bytes, str] | ImageProblem:
    """An SVG drawn as a PNG of `pixels` (the part `crop` cuts from it, in its CSS px)."""
    hit = cache.get(cache_dir, name)
    if hit is not None and hit[:1] == b"P":
        return hit[1:], "png"
    cleaned = vector(src, cache_dir)
    if isinstance(cleaned, ImageProblem):
        return cleaned
    try:
        if crop is None or crop == (0, 0, src.width, src.height):
            png = svg.raster(cleaned, pixels)
        else:  # drawn whole at the scale the cut needs, then cut
            left, top, right, bottom = crop
            sx, sy = pixels[0] / max(1, right - left), pixels[1] / max(1, bottom - top)
            whole = (max(1, round(src.width * sx)), max(1, round(src.height * sy)))
            with Image.open(io.BytesIO(svg.raster(cleaned, whole))) as im:
                box = (round(left * sx), round(top * sy), round(left * sx) + pixels[0],
                       round(top * sy) + pixels[1])  # fmt: skip
                out = io.BytesIO()
                im.crop(box).save(out, "PNG", optimize=True)
                png = out.getvalue()
    except svg.SvgError as exc:
        return ImageProblem(f"{exc}: {src.path or 'data: URI'}")
    cache.put(cache_dir, name, b"P" + png)
    return png, "png"


@functools.lru_cache(maxsize=256)  # by content: a picture used twice is prepared once
def _prepared(
    name: str,
    digest: str,
    path: Path | None,
    data: bytes | None,
    pixels: tuple[int, int],
    cache_dir: Path | None,
    crop: Crop | None,
) -> tuple[bytes, str] | ImageProblem:
    hit = cache.get(cache_dir, name)
    if hit is not None and hit[:1] in (b"J", b"P"):
        return hit[1:], "jpeg" if hit[:1] == b"J" else "png"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            raw = path.read_bytes() if path is not None else (data or b"")
            encoded, fmt = encode(raw, pixels, crop)
            if cache.key(raw) == digest:  # not if the file changed since it was probed
                cache.put(cache_dir, name, (b"J" if fmt == "jpeg" else b"P") + encoded)
            return encoded, fmt
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:  # fmt: skip
        where = str(path) if path is not None else "data: URI"
        return ImageProblem(f"image cannot be decoded ({exc}): {where}")


def _key(src: ImageSource, variant: str, *more: str) -> str:
    """The cache entry's name: a hash of the source bytes and the variant (size, crop)."""
    return cache.key(src.digest, variant, *more)


def _stamp(st: os.stat_result) -> str:
    """What tells a file's versions apart without reading it: its modification time and
    length, and its inode and change time, which `cp -p`, `rsync -t` or a checkout that keep
    the first two still change."""
    return f"{st.st_mtime_ns}|{st.st_size}|{st.st_ino}|{st.st_ctime_ns}"


@functools.lru_cache(maxsize=1024)
def _file_digest(path: Path, stamp: str) -> str:
    """A hash of the file's bytes, read a piece at a time; a file is read for it once per
    process (per `_stamp`)."""
    return cache.key_of_file(path)


def encode(raw: bytes, pixels: tuple[int, int], crop: Crop | None = None) -> tuple[bytes, str]:
    """The image `raw` cut to `crop` and downsampled to `pixels`, as (bytes, "jpeg" | "png").
    Remembered by `_prepared`, by the hash of the bytes: never by a path.

    Raises OSError if the image is broken.
    """
    with Image.open(io.BytesIO(raw)) as im:
        src_format = im.format
        whole = crop is None or crop == (0, 0, *im.size)
        if (
            whole
            and im.size == pixels
            and src_format in ("JPEG", "PNG")
            and im.mode in ("RGB", "L")
        ):
            im.load()  # the file goes in as it is: make sure every byte of it decodes
            return raw, "jpeg" if src_format == "JPEG" else "png"
        if whole:
            im.draft("RGB", pixels)  # JPEG: decode at a reduced scale when possible
        if getattr(im, "n_frames", 1) > 1:
            im.seek(0)
        img = im.convert("RGBA") if _has_alpha(im) else im.convert("RGB")
    if crop is not None and not whole:
        img = img.crop(crop)
    if img.size != pixels:
        img = img.resize(pixels, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if img.mode == "RGBA" and img.getchannel("A").getextrema()[0] != 255:
        img.save(out, "PNG", optimize=True)
        return out.getvalue(), "png"
    img = img.convert("RGB")
    if src_format == "JPEG" or _is_photo(img):
        img.save(out, "JPEG", quality=85, optimize=True, progressive=False)
        return out.getvalue(), "jpeg"
    img.save(out, "PNG", optimize=True)
    return out.getvalue(), "png"


def _has_alpha(im: Image.Image) -> bool:
    return im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)


def _is_photo(img: Image.Image) -> bool:
    """Many distinct colours means a photo (JPEG); few means a drawing (PNG)."""
    thumb = img.copy()
    thumb.thumbnail((128, 128))
    colors = thumb.getcolors(maxcolors=4096)
    return colors is None or len(colors) > 1500
