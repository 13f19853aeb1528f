"""Images: resolve a post's image references safely, read their size, encode them once.

Resolution only looks inside the post's folder and the site root. Encoding downsamples to
what the slide needs and picks JPEG for photos, PNG for drawings; the result is memoized,
so the PPTX and the PDF embed the same bytes and each image is decoded once per build.
"""

from __future__ import annotations

import base64
import functools
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from . import cache, hugo

MAX_PIXELS = 60_000_000  # refuse to decode images larger than this (decompression bombs)
_DATA_URI = re.compile(r"^data:image/[\w.+-]+;base64,(.*)$", re.S | re.I)


@dataclass(frozen=True)
class ImageSource:
    """Images: a readable image: where its bytes are and its pixel size."""

    path: Path | None
    data: bytes | None
    width: int
    height: int
    digest: str  # a hash of the bytes: names the prepared variants in the cache


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
) -> ImageSource | ImageProblem:
    """Find and check the image `src` as written in a post (of the Hugo `page`, if it is
    one); a file's size and hash are kept in `cache_dir`, by its path, modification time and
    length."""
    if not src:
        return ImageProblem("image has no src")
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
    found = local_file(src, post_dir, site_root, page)
    if isinstance(found, ImageProblem):
        return found
    return _probe_file(found, cache_dir)


def local_file(
    src: str, post_dir: Path, site_root: Path | None, page: hugo.Page | None = None
) -> Path | ImageProblem:
    """The file a local image path names, or why there is none: every place it may be, in
    turn (`local_candidates`), the first that exists."""
    found = _places(src, post_dir, site_root, page)
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
    src: str, post_dir: Path, site_root: Path | None, page: hugo.Page | None = None
) -> list[Path] | ImageProblem:
    """Where the local image `src` may be, best first, each inside the folders deckgen reads:
    the post's folder and the site root. A Hugo `page` looks where Hugo serves the path from
    (its bundle, `content/`, `static/`, `assets/`: `hugo.candidates`), then beside the post."""
    found = _places(src, post_dir, site_root, page)
    if isinstance(found, ImageProblem):
        return found
    if not found[0]:
        return ImageProblem(f"image path leaves the allowed folder: {src}")
    return found[0]


def _places(
    src: str, post_dir: Path, site_root: Path | None, page: hugo.Page | None
) -> tuple[list[Path], list[Path]] | ImageProblem:
    """`local_candidates`, resolved: those inside the allowed folders, and those outside."""
    clean = src.split("?")[0].split("#")[0]
    if clean.startswith("/") and site_root is None:
        return ImageProblem(
            f"image not found: {src} (a site path: pass --site-root to say where the site is)"
        )
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
    name = cache.key(f"{path}|{st.st_mtime_ns}|{st.st_size}", "probe")
    hit = (cache.get(cache_dir, name) or b"").split()
    if len(hit) == 3 and hit[0].isdigit() and hit[1].isdigit():
        return ImageSource(path, None, int(hit[0]), int(hit[1]), hit[2].decode())
    found = _probe(path, None, str(path), _file_digest(path, st.st_mtime_ns, st.st_size))
    if isinstance(found, ImageSource):
        cache.put(cache_dir, name, f"{found.width} {found.height} {found.digest}".encode())
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
    return _prepared(_key(src, variant), src.path, src.data, pixels, cache_dir, crop)


@functools.lru_cache(maxsize=256)  # by content: a picture used twice is prepared once
def _prepared(
    name: str,
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
            encoded, fmt = encode(path, data, pixels, crop)
            cache.put(cache_dir, name, (b"J" if fmt == "jpeg" else b"P") + encoded)
            return encoded, fmt
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:  # fmt: skip
        where = str(path) if path is not None else "data: URI"
        return ImageProblem(f"image cannot be decoded ({exc}): {where}")


def _key(src: ImageSource, variant: str) -> str:
    """The cache entry's name: a hash of the source bytes and the variant (size, crop)."""
    return cache.key(src.digest, variant)


@functools.lru_cache(maxsize=1024)
def _file_digest(path: Path, mtime_ns: int, size: int) -> str:
    """A hash of the file's bytes; a file is read for it once per process."""
    return cache.key(path.read_bytes())


@functools.lru_cache(maxsize=256)
def encode(
    path: Path | None, data: bytes | None, pixels: tuple[int, int], crop: Crop | None = None
) -> tuple[bytes, str]:
    """The image cut to `crop` and downsampled to `pixels`, as (bytes, "jpeg" | "png").

    Raises OSError if the image is broken.
    """
    raw = path.read_bytes() if path is not None else (data or b"")
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
