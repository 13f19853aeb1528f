"""Draw the images of the example deck (decks/example.md) into assets/blog/example/.

Run from anywhere with Pillow and the Fira Sans font package installed:

    python assets/make_images.py

Every random choice comes from a seeded ``random.Random``, nothing reads the clock, and PNG and
JPEG files are written without metadata, so two runs with the same Pillow give the same bytes.

Photo-like pictures (``*.jpg``) are built from layered value noise and simple shapes; diagrams
(``*.png``) are flat colours, boxes, arrows and labels, drawn at twice their size and scaled
down for smooth edges.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterable, Sequence
from pathlib import Path

import fontpkg
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps

OUT = Path(__file__).resolve().parent / "blog" / "example"

Color = tuple[int, int, int]
Point = tuple[float, float]

# One palette for every image, so the deck looks like one talk.
NAVY = (11, 37, 69)
INK = (29, 45, 68)
GREY = (96, 108, 124)
PAPER = (247, 250, 252)
TEAL = (23, 163, 152)
BLUE = (58, 124, 165)
CORAL = (232, 104, 80)
RED = (214, 73, 51)
OLIVE = (141, 135, 65)
SAND = (233, 216, 166)
ALGAE = (107, 125, 58)
RUBBLE = (156, 154, 144)
WHITE = (255, 255, 255)


def hexrgb(value: str) -> Color:
    value = value.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def mix(a: Color, b: Color, t: float) -> Color:
    t = max(0.0, min(1.0, t))
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


_FONTS: dict[tuple[int, int], ImageFont.FreeTypeFont] = {}


def font(size: int, weight: int = 400) -> ImageFont.FreeTypeFont:
    key = (size, weight)
    if key not in _FONTS:
        _FONTS[key] = ImageFont.truetype(str(fontpkg.path("Fira Sans", weight=weight)), size)
    return _FONTS[key]


# ---------------------------------------------------------------------------------------------
# Noise and gradients (Pillow only: no numpy)


def value_noise(size: tuple[int, int], cell: int, rng: random.Random) -> Image.Image:
    """Smooth grey noise: a small random grid scaled up with bicubic interpolation."""
    w, h = size
    gw, gh = w // cell + 3, h // cell + 3
    small = Image.frombytes("L", (gw, gh), rng.randbytes(gw * gh))
    big = small.resize((gw * cell, gh * cell), Image.Resampling.BICUBIC)
    return big.crop((cell, cell, cell + w, cell + h))


def fbm(size: tuple[int, int], cell: int, octaves: int, rng: random.Random) -> Image.Image:
    """Fractal noise: octaves of value noise, each half the cell size and half the weight."""
    out = value_noise(size, cell, rng)
    weight = 1.0
    total = 1.0
    for _ in range(1, octaves):
        cell = max(2, cell // 2)
        weight /= 2
        total += weight
        out = Image.blend(out, value_noise(size, cell, rng), weight / total)
    return ImageOps.autocontrast(out, cutoff=1)


def vertical_gradient(size: tuple[int, int], stops: Sequence[tuple[float, Color]]) -> Image.Image:
    """An RGB image whose colour changes from top to bottom through the given stops."""
    w, h = size
    column = Image.new("RGB", (1, h))
    px = column.load()
    assert px is not None
    for y in range(h):
        t = y / max(1, h - 1)
        for (t0, c0), (t1, c1) in itertools.pairwise(stops):
            if t0 <= t <= t1:
                px[0, y] = mix(c0, c1, (t - t0) / max(1e-9, t1 - t0))
                break
    return column.resize((w, h), Image.Resampling.NEAREST)


def radial_mask(size: tuple[int, int], inner: float, outer: float) -> Image.Image:
    """L mask: 0 inside ``inner`` (fraction of the half-diagonal), 255 beyond ``outer``."""
    w, h = size
    small_w, small_h = 320, max(2, round(320 * h / w))
    img = Image.new("L", (small_w, small_h))
    px = img.load()
    assert px is not None
    for y in range(small_h):
        for x in range(small_w):
            dx = (x - small_w / 2) / (small_w / 2)
            dy = (y - small_h / 2) / (small_h / 2)
            r = math.hypot(dx, dy) / math.sqrt(2)
            t = (r - inner) / (outer - inner)
            px[x, y] = round(255 * max(0.0, min(1.0, t)) ** 1.6)
    return img.resize(size, Image.Resampling.BICUBIC)


def add_grain(img: Image.Image, amount: float, seed: int) -> Image.Image:
    """Fine luminance grain, as a camera sensor would add."""
    rng = random.Random(seed)
    grain = Image.frombytes("L", img.size, rng.randbytes(img.size[0] * img.size[1]))
    grain = grain.filter(ImageFilter.GaussianBlur(0.6))
    grain = ImageOps.autocontrast(grain).convert("RGB")
    grey = Image.new("RGB", img.size, (128, 128, 128))
    return Image.blend(img, ImageChops.overlay(img, Image.blend(grey, grain, 1.0)), amount)


# ---------------------------------------------------------------------------------------------
# Diagram canvas: logical coordinates, drawn at 2x and scaled down at the end


class Canvas:
    def __init__(self, w: int, h: int, bg: Color, ss: int = 2) -> None:
        self.w, self.h, self.ss = w, h, ss
        self.img = Image.new("RGBA", (w * ss, h * ss), (*bg, 255))
        self.draw = ImageDraw.Draw(self.img)

    def s(self, v: float) -> int:
        return round(v * self.ss)

    def pts(self, points: Iterable[Point]) -> list[tuple[int, int]]:
        return [(self.s(x), self.s(y)) for x, y in points]

    def layer(self) -> tuple[Image.Image, ImageDraw.ImageDraw]:
        over = Image.new("RGBA", self.img.size, (0, 0, 0, 0))
        return over, ImageDraw.Draw(over)

    def merge(self, over: Image.Image) -> None:
        self.img.alpha_composite(over)

    def box(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        fill: Color | tuple[int, int, int, int] | None,
        outline: Color | None = None,
        width: float = 0,
        radius: float = 18,
        shadow: bool = False,
    ) -> None:
        if shadow:
            over, d = self.layer()
            d.rounded_rectangle(
                [self.s(x0 + 4), self.s(y0 + 8), self.s(x1 + 4), self.s(y1 + 8)],
                radius=self.s(radius),
                fill=(10, 30, 50, 60),
            )
            self.merge(over.filter(ImageFilter.GaussianBlur(self.s(8))))
        self.draw.rounded_rectangle(
            [self.s(x0), self.s(y0), self.s(x1), self.s(y1)],
            radius=self.s(radius),
            fill=fill,
            outline=outline,
            width=self.s(width),
        )

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: int,
        weight: int = 400,
        fill: Color | tuple[int, int, int, int] = INK,
        anchor: str = "la",
        draw: ImageDraw.ImageDraw | None = None,
    ) -> None:
        (draw or self.draw).text(
            (self.s(x), self.s(y)), text, font=font(self.s(size), weight), fill=fill, anchor=anchor
        )

    def wrap(self, text: str, size: int, weight: int, width: float) -> list[str]:
        f = font(self.s(size), weight)
        lines: list[str] = []
        line = ""
        for word in text.split():
            trial = f"{line} {word}".strip()
            if f.getlength(trial) <= self.s(width) or not line:
                line = trial
            else:
                lines.append(line)
                line = word
        if line:
            lines.append(line)
        return lines

    def text_block(
        self,
        cx: float,
        cy: float,
        lines: Sequence[tuple[str, int, int, Color]],
        gap: float = 10,
    ) -> None:
        """Lines (text, size, weight, colour) centred as one block on (cx, cy)."""
        heights = [size * 1.2 for _, size, _, _ in lines]
        total = sum(heights) + gap * (len(lines) - 1)
        y = cy - total / 2
        for (text, size, weight, colour), h in zip(lines, heights, strict=True):
            self.text(cx, y + h / 2, text, size, weight, colour, anchor="mm")
            y += h + gap

    def line(
        self,
        points: Sequence[Point],
        fill: Color | tuple[int, int, int, int],
        width: float,
        draw: ImageDraw.ImageDraw | None = None,
    ) -> None:
        (draw or self.draw).line(self.pts(points), fill=fill, width=self.s(width), joint="curve")

    def dashed(
        self, p0: Point, p1: Point, fill: Color, width: float, dash: float = 16, gap: float = 12
    ) -> None:
        length = math.dist(p0, p1)
        ux, uy = (p1[0] - p0[0]) / length, (p1[1] - p0[1]) / length
        t = 0.0
        while t < length:
            t1 = min(length, t + dash)
            self.line(
                [(p0[0] + ux * t, p0[1] + uy * t), (p0[0] + ux * t1, p0[1] + uy * t1)], fill, width
            )
            t = t1 + gap

    def arrow(
        self,
        points: Sequence[Point],
        fill: Color | tuple[int, int, int, int],
        width: float,
        head: float = 22,
        draw: ImageDraw.ImageDraw | None = None,
    ) -> None:
        """A polyline ending in a filled triangular head at its last point."""
        x1, y1 = points[-1]
        # Direction of the head: from the last point at least a head's length away.
        x0, y0 = next(
            (p for p in reversed(points[:-1]) if math.dist(p, (x1, y1)) >= head), points[0]
        )
        ang = math.atan2(y1 - y0, x1 - x0)
        back = (x1 - head * 0.8 * math.cos(ang), y1 - head * 0.8 * math.sin(ang))
        shaft = [p for p in points[:-1] if math.dist(p, (x1, y1)) > head * 0.8]
        self.line([*shaft, back], fill, width, draw)
        left = (
            x1 - head * math.cos(ang) + head * 0.55 * math.sin(ang),
            y1 - head * math.sin(ang) - head * 0.55 * math.cos(ang),
        )
        right = (
            x1 - head * math.cos(ang) - head * 0.55 * math.sin(ang),
            y1 - head * math.sin(ang) + head * 0.55 * math.cos(ang),
        )
        (draw or self.draw).polygon(self.pts([(x1, y1), left, right]), fill=fill)

    def save(self, name: str) -> Path:
        out = self.img.convert("RGB").resize((self.w, self.h), Image.Resampling.LANCZOS)
        return save_png(out, name)


def bezier(p0: Point, p1: Point, p2: Point, steps: int = 40) -> list[Point]:
    out = []
    for i in range(steps + 1):
        t = i / steps
        a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t**2
        out.append((a * p0[0] + b * p1[0] + c * p2[0], a * p0[1] + b * p1[1] + c * p2[1]))
    return out


def blob(
    cx: float, cy: float, rx: float, ry: float, rng: random.Random, n: int = 48
) -> list[Point]:
    """An irregular closed outline around (cx, cy), like a reef seen from above."""
    phases = [rng.uniform(0, math.tau) for _ in range(4)]
    amps = [rng.uniform(0.04, 0.14) for _ in range(4)]
    pts = []
    for i in range(n):
        a = math.tau * i / n
        r = 1 + sum(
            amp * math.sin((k + 2) * a + ph)
            for k, (amp, ph) in enumerate(zip(amps, phases, strict=True))
        )
        pts.append((cx + rx * r * math.cos(a), cy + ry * r * math.sin(a)))
    return pts


def save_png(img: Image.Image, name: str) -> Path:
    path = OUT / name
    img.save(path, format="PNG", optimize=True)
    return path


def save_jpeg(img: Image.Image, name: str, quality: int = 84) -> Path:
    path = OUT / name
    img.convert("RGB").save(path, format="JPEG", quality=quality, optimize=True, subsampling=2)
    return path


# ---------------------------------------------------------------------------------------------
# 1. reef-dawn.jpg: a shallow reef seen from the side (teaser, and reused in a figure grid)


def branching_coral(
    d: ImageDraw.ImageDraw,
    x: float,
    y: float,
    angle: float,
    length: float,
    width: float,
    depth: int,
    base: Color,
    tip: Color,
    rng: random.Random,
    level: int = 0,
    spread: float = 0.55,
) -> None:
    x1 = x + length * math.cos(angle)
    y1 = y - length * math.sin(angle)
    colour = mix(base, tip, level / max(1, depth))
    d.line([(x, y), (x1, y1)], fill=colour, width=max(1, round(width)))
    r = width / 2
    d.ellipse([x1 - r, y1 - r, x1 + r, y1 + r], fill=colour)
    if level >= depth:
        d.ellipse([x1 - r * 1.2, y1 - r * 1.2, x1 + r * 1.2, y1 + r * 1.2], fill=tip)
        return
    for _ in range(rng.choice((2, 2, 3))):
        branching_coral(
            d,
            x1,
            y1,
            angle + rng.uniform(-spread, spread),
            length * rng.uniform(0.62, 0.82),
            width * 0.74,
            depth,
            base,
            tip,
            rng,
            level + 1,
            spread,
        )


def brain_coral(
    img: Image.Image, cx: float, cy: float, rx: float, ry: float, base: Color, rng: random.Random
) -> None:
    """A dome with meandering grooves and light from above, pasted onto ``img``."""
    w, h = round(rx * 2), round(ry)
    dome = Image.new("L", (w, h), 0)
    ImageDraw.Draw(dome).ellipse([0, 0, w - 1, h * 2], fill=255)
    body = Image.new("RGB", (w, h), base)
    grooves = fbm((w, h), max(4, w // 14), 2, rng)
    ridge = grooves.point(lambda v: 255 if abs(v - 128) < 14 else 0).filter(
        ImageFilter.GaussianBlur(1.2)
    )
    body.paste(mix(base, (40, 30, 20), 0.45), mask=ridge)
    light = vertical_gradient((w, h), [(0.0, mix(base, WHITE, 0.45)), (1.0, mix(base, NAVY, 0.5))])
    body = Image.blend(body, light, 0.45)
    img.paste(body, (round(cx - rx), round(cy - ry)), dome)


def make_reef_dawn(name: str = "reef-dawn.jpg") -> Path:
    w, h = 1600, 900
    ss = 2
    W, H = w * ss, h * ss
    rng = random.Random(1101)

    water = vertical_gradient(
        (W, H),
        [
            (0.0, hexrgb("#9fe0ea")),
            (0.25, hexrgb("#3fa9c4")),
            (0.6, hexrgb("#17688f")),
            (1.0, hexrgb("#0a3656")),
        ],
    )
    # Sun rays from the surface.
    rays = Image.new("L", (W, H), 0)
    rd = ImageDraw.Draw(rays)
    for _ in range(14):
        x = rng.uniform(0.15, 0.85) * W
        spread = rng.uniform(40, 140) * ss
        lean = rng.uniform(-0.25, 0.1) * H
        rd.polygon(
            [(x - spread / 6, 0), (x + spread / 6, 0), (x + lean + spread, H), (x + lean, H)],
            fill=rng.randint(30, 70),
        )
    rays = rays.filter(ImageFilter.GaussianBlur(18 * ss))
    fade = vertical_gradient((W, H), [(0.0, (255, 255, 255)), (0.8, (0, 0, 0)), (1.0, (0, 0, 0))])
    rays = ImageChops.multiply(rays, fade.convert("L"))
    scene = Image.composite(Image.new("RGB", (W, H), hexrgb("#e9fbff")), water, rays)

    # Shimmer of the surface seen from below.
    shimmer = fbm((W, round(H * 0.14)), 60 * ss, 3, rng)
    shimmer = shimmer.point(lambda v: max(0, v - 150) * 2)
    shimmer_fade = vertical_gradient(shimmer.size, [(0.0, WHITE), (1.0, (0, 0, 0))]).convert("L")
    shimmer = ImageChops.multiply(shimmer, shimmer_fade)
    shimmer_mask = Image.new("L", (W, H), 0)
    shimmer_mask.paste(shimmer, (0, 0))
    scene = Image.composite(Image.new("RGB", (W, H), hexrgb("#f2feff")), scene, shimmer_mask)

    def ridge(y_base: float, amp: float, seed: int) -> list[Point]:
        r = random.Random(seed)
        waves = [(r.uniform(1, 7), r.uniform(0, math.tau), r.uniform(0.3, 1)) for _ in range(6)]
        pts: list[Point] = [(0, H)]
        for i in range(0, W + 1, 8):
            t = i / W
            off = sum(a * math.sin(f * math.tau * t + p) for f, p, a in waves) / 3
            pts.append((i, y_base - amp * off))
        pts.append((W, H))
        return pts

    # Far and middle reef silhouettes, hazy with distance.
    for y_base, amp, colour, haze, seed in (
        (0.60, 0.05, hexrgb("#2f7f8f"), 0.65, 7),
        (0.70, 0.06, hexrgb("#4a6e5a"), 0.4, 8),
    ):
        mask = Image.new("L", (W, H), 0)
        ImageDraw.Draw(mask).polygon(ridge(y_base * H, amp * H, seed), fill=255)
        tex = ImageOps.colorize(
            fbm((W, H), 40 * ss, 4, rng), mix(colour, NAVY, 0.35), mix(colour, WHITE, 0.2)
        )
        tex = Image.blend(tex, water, haze)
        scene.paste(tex, (0, 0), mask.filter(ImageFilter.GaussianBlur(2 * ss)))

    # Sand floor.
    floor = Image.new("L", (W, H), 0)
    ImageDraw.Draw(floor).polygon(ridge(0.86 * H, 0.025 * H, 9), fill=255)
    sand = ImageOps.colorize(fbm((W, H), 24 * ss, 4, rng), hexrgb("#8c8a6e"), hexrgb("#e6dcb4"))
    sand = Image.blend(sand, water, 0.25)
    scene.paste(sand, (0, 0), floor.filter(ImageFilter.GaussianBlur(3 * ss)))

    # Foreground corals, left to right, with a little haze on the smaller ones.
    corals = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    cd = ImageDraw.Draw(corals)
    # Table coral on the left.
    tx, ty = 0.18 * W, 0.72 * H
    cd.rectangle([tx - 14 * ss, ty, tx + 14 * ss, ty + 0.16 * H], fill=hexrgb("#6f6b4e"))
    cd.ellipse([tx - 230 * ss, ty - 38 * ss, tx + 230 * ss, ty + 30 * ss], fill=hexrgb("#5b6b45"))
    cd.ellipse([tx - 235 * ss, ty - 58 * ss, tx + 235 * ss, ty + 8 * ss], fill=hexrgb("#a3b36a"))
    cd.ellipse([tx - 200 * ss, ty - 52 * ss, tx + 190 * ss, ty - 14 * ss], fill=hexrgb("#c4cf86"))
    # Branching corals.
    for bx, by, size, base, tip in (
        (0.40, 0.93, 120, "#c2553f", "#ff9c82"),
        (0.47, 0.95, 90, "#b8624a", "#ffb59a"),
        (0.83, 0.94, 135, "#7b4f9e", "#d4a6f0"),
        (0.64, 0.90, 70, "#b08a3a", "#f4d27a"),
        (0.06, 0.97, 100, "#c2553f", "#ff9c82"),
    ):
        for _ in range(5):
            branching_coral(
                cd,
                bx * W + rng.uniform(-60, 60) * ss,
                by * H,
                math.pi / 2 + rng.uniform(-0.6, 0.6),
                size * ss * rng.uniform(0.5, 0.75),
                15 * ss * size / 120,
                5,
                hexrgb(base),
                hexrgb(tip),
                rng,
            )
    # Sea fan on the right: a fine, flat branching net.
    fan = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    fd = ImageDraw.Draw(fan)
    fx, fy = 0.93 * W, 0.90 * H
    for k in range(7):
        branching_coral(
            fd,
            fx + rng.uniform(-10, 10) * ss,
            fy,
            math.radians(60 + 10 * k) + rng.uniform(-0.05, 0.05),
            95 * ss,
            7 * ss,
            6,
            hexrgb("#6a2c7a"),
            hexrgb("#c07ad0"),
            rng,
            spread=0.3,
        )
    corals.alpha_composite(fan)
    scene.paste(corals, (0, 0), corals)

    # Brain corals on the floor.
    for cx, cy, rx, shade in (
        (0.30, 0.94, 150, "#b48a52"),
        (0.57, 0.96, 190, "#9a9f57"),
        (0.73, 0.93, 110, "#c98a6a"),
    ):
        brain_coral(scene, cx * W, cy * H, rx * ss, rx * 0.78 * ss, hexrgb(shade), rng)

    # A school of small fish in the middle distance, and two yellow ones nearer.
    fish = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    fdraw = ImageDraw.Draw(fish)
    for _ in range(70):
        x = rng.gauss(0.62, 0.07) * W
        y = rng.gauss(0.36, 0.05) * H
        s = rng.uniform(7, 12) * ss
        body = (196, 224, 236, 200)
        fdraw.ellipse([x - 2.2 * s, y - s * 0.7, x + 2.2 * s, y + s * 0.7], fill=body)
        fdraw.polygon([(x + 1.8 * s, y), (x + 3.2 * s, y - s), (x + 3.2 * s, y + s)], fill=body)
    for x, y, s in ((0.30 * W, 0.52 * H, 22 * ss), (0.36 * W, 0.57 * H, 17 * ss)):
        fdraw.ellipse([x - 2 * s, y - s, x + 2 * s, y + s], fill=hexrgb("#f5c842"))
        fdraw.polygon(
            [(x + 1.6 * s, y), (x + 2.9 * s, y - s), (x + 2.9 * s, y + s)], fill="#e8a92c"
        )
        fdraw.ellipse([x - 1.4 * s, y - 0.35 * s, x - 1.0 * s, y + 0.05 * s], fill=NAVY)
    scene.paste(fish, (0, 0), fish)

    # Marine snow.
    snow = Image.new("L", (W, H), 0)
    sd = ImageDraw.Draw(snow)
    for _ in range(500):
        x, y, r = rng.uniform(0, W), rng.uniform(0, H), rng.uniform(1, 3) * ss
        sd.ellipse([x - r, y - r, x + r, y + r], fill=rng.randint(60, 160))
    scene = Image.composite(
        Image.new("RGB", (W, H), WHITE), scene, snow.filter(ImageFilter.GaussianBlur(ss))
    )

    img = scene.resize((w, h), Image.Resampling.LANCZOS)
    img = Image.composite(
        Image.new("RGB", (w, h), hexrgb("#041a2c")), img, radial_mask((w, h), 0.45, 1.05)
    )
    img = add_grain(img, 0.06, 1102)
    return save_jpeg(img, name)


# ---------------------------------------------------------------------------------------------
# 2. quadrat.jpg and 3. quadrat-labels.png: one survey photo and its per-pixel labels

QUADRAT = 1200
FRAME = (110, 110, 1090, 1090)  # inner edge of the PVC frame in the photo
CLASSES: list[tuple[str, Color]] = [
    ("Sand", SAND),
    ("Live coral", CORAL),
    ("Algae", ALGAE),
    ("Rubble", RUBBLE),
]


def coral_colonies() -> list[tuple[list[Point], Color]]:
    """Outlines and colours of the coral colonies in the survey photo."""
    rng = random.Random(2201)
    colours = [hexrgb(c) for c in ("#b07a4f", "#c98f6b", "#9c6b7e", "#a88a4a", "#c4745a")]
    colonies = []
    for _ in range(26):
        r = rng.choice((40, 55, 70, 90, 120, 150))
        cx, cy = rng.uniform(0, QUADRAT), rng.uniform(0, QUADRAT)
        colonies.append((blob(cx, cy, r, r * rng.uniform(0.75, 1.0), rng, 72), rng.choice(colours)))
    return colonies


def quadrat_labels(colonies: list[tuple[list[Point], Color]]) -> Image.Image:
    """Label map (L, values 0..3) of the photo: sand, live coral, algae, rubble."""
    rng = random.Random(2202)
    size = (QUADRAT, QUADRAT)
    algae = fbm(size, 170, 3, rng).point(lambda v: 255 if v > 165 else 0)
    rubble = fbm(size, 130, 3, rng).point(lambda v: 255 if v > 170 else 0)
    labels = Image.new("L", size, 0)
    labels.paste(3, mask=rubble)
    labels.paste(2, mask=algae)
    labels = labels.filter(ImageFilter.ModeFilter(9))
    draw = ImageDraw.Draw(labels)
    for outline, _ in colonies:
        draw.polygon(outline, fill=1)
    return labels


def make_quadrat(
    labels: Image.Image, colonies: list[tuple[list[Point], Color]], name: str = "quadrat.jpg"
) -> Path:
    rng = random.Random(2301)
    size = labels.size
    w, h = size

    # Sand with ripples.
    photo = ImageOps.colorize(fbm(size, 14, 4, rng), hexrgb("#b8a57a"), hexrgb("#f1e6c8"))
    ripples = Image.new("L", size, 0)
    rdraw = ImageDraw.Draw(ripples)
    for i in range(-4, 40):
        y0 = i * 34
        rdraw.line(
            [(x, y0 + 12 * math.sin(x / 80 + i)) for x in range(0, w + 20, 20)], fill=70, width=6
        )
    photo.paste(hexrgb("#a38f63"), mask=ripples.filter(ImageFilter.GaussianBlur(5)))

    def soft(value: int, blur: float) -> Image.Image:
        mask = labels.point(lambda v: 255 if v == value else 0)
        return mask.filter(ImageFilter.GaussianBlur(blur))

    # Rubble: broken branches, pale and grey, scattered where the labels say rubble.
    rubble = ImageOps.colorize(fbm(size, 10, 3, rng), hexrgb("#7d796e"), hexrgb("#cfcabb"))
    rd = ImageDraw.Draw(rubble)
    for _ in range(2600):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        a, length = rng.uniform(0, math.pi), rng.uniform(10, 34)
        tone = rng.randint(140, 205)
        rd.line(
            [(x, y), (x + length * math.cos(a), y + length * math.sin(a))],
            fill=(tone, tone - 4, tone - 14),
            width=rng.randint(6, 10),
        )
    rubble = rubble.filter(ImageFilter.GaussianBlur(0.8))
    photo.paste(rubble, mask=soft(3, 3))

    # Turf and macroalgae.
    algae = ImageOps.colorize(
        fbm(size, 8, 3, rng), hexrgb("#3d4a1c"), hexrgb("#a7b562"), mid=hexrgb("#6f8034")
    )
    photo.paste(algae, mask=soft(2, 2.5))

    # Coral colonies: a shadow, a textured dome, light from the upper left.
    polyps = fbm(size, 5, 2, rng)
    grooves = fbm(size, 30, 3, rng).point(lambda v: 255 if abs(v - 128) < 9 else 0)
    grooves = grooves.filter(ImageFilter.GaussianBlur(1.2))
    dome_light = Image.radial_gradient("L")
    for outline, colour in colonies:
        xs, ys = [p[0] for p in outline], [p[1] for p in outline]
        box = (int(min(xs)) - 2, int(min(ys)) - 2, int(max(xs)) + 3, int(max(ys)) + 3)
        mask = Image.new("L", size, 0)
        ImageDraw.Draw(mask).polygon(outline, fill=255)
        shadow = ImageChops.offset(mask, 10, 14).filter(ImageFilter.GaussianBlur(9))
        photo = Image.composite(
            Image.blend(photo, Image.new("RGB", size, (25, 30, 20)), 0.55), photo, shadow
        )
        tissue = ImageOps.colorize(
            polyps, mix(colour, (30, 20, 15), 0.45), mix(colour, WHITE, 0.35)
        )
        tissue.paste(mix(colour, (40, 25, 20), 0.55), mask=grooves)
        bw, bh = box[2] - box[0], box[3] - box[1]
        rim = dome_light.resize((bw, bh), Image.Resampling.BILINEAR)
        rim = ImageChops.offset(rim, -bw // 8, -bh // 8)
        dark = Image.new("L", size, 0)
        dark.paste(rim, box[:2])
        tissue = Image.composite(
            Image.blend(tissue, Image.new("RGB", size, (20, 15, 10)), 0.5), tissue, dark
        )
        photo.paste(tissue, mask=mask.filter(ImageFilter.GaussianBlur(1.2)))

    # White PVC frame with a shadow, and a slate with the survey code.
    over = Image.new("RGBA", size, (0, 0, 0, 0))
    od = ImageDraw.Draw(over)
    x0, y0, x1, y1 = FRAME
    od.rectangle([x0 - 12, y0 - 4, x1 + 32, y1 + 36], outline=(20, 20, 10, 120), width=26)
    over = over.filter(ImageFilter.GaussianBlur(8))
    photo.paste(over, (0, 0), over)
    pd = ImageDraw.Draw(photo)
    pd.rectangle([x0 - 22, y0 - 22, x1 + 22, y1 + 22], outline=hexrgb("#f4f4ee"), width=24)
    pd.rectangle([x0 - 22, y0 - 22, x1 + 22, y1 + 22], outline=hexrgb("#d4d6cf"), width=3)
    corners = ((x0 - 10, y0 - 10), (x1 + 10, y0 - 10), (x0 - 10, y1 + 10), (x1 + 10, y1 + 10))
    for cx, cy in corners:
        pd.rounded_rectangle([cx - 26, cy - 26, cx + 26, cy + 26], radius=8, fill=hexrgb("#e4e4da"))
    slate = Image.new("RGBA", (260, 120), (*hexrgb("#f2f2ea"), 255))
    sdraw = ImageDraw.Draw(slate)
    sdraw.text((18, 14), "T3 - Q07", font=font(42, 600), fill=hexrgb("#23303d"))
    sdraw.text((18, 68), "8 m  ·  day 412", font=font(28, 400), fill=hexrgb("#23303d"))
    slate = slate.rotate(-6, expand=True, resample=Image.Resampling.BICUBIC)
    photo.paste(slate, (x1 - 300, y1 - 170), slate)

    # Underwater colour cast, vignette and grain.
    r, g, b = photo.split()
    r = r.point(lambda v: round(v * 0.88))
    b = b.point(lambda v: min(255, round(v * 1.02 + 6)))
    photo = Image.merge("RGB", (r, g, b))
    vignette = radial_mask(size, 0.55, 1.2)
    photo = Image.composite(Image.new("RGB", size, hexrgb("#10303a")), photo, vignette)
    photo = add_grain(photo, 0.05, 2302)
    return save_jpeg(photo, name, quality=82)


def make_quadrat_labels(labels: Image.Image, name: str = "quadrat-labels.png") -> Path:
    c = Canvas(800, 600, PAPER)
    x0, y0, x1, y1 = FRAME
    inside = labels.crop((x0, y0, x1, y1))
    counts = inside.histogram()[:4]
    total = sum(counts)

    side = 540
    small = inside.resize((side * c.ss, side * c.ss), Image.Resampling.NEAREST)
    lut = [[colour[i] for _, colour in CLASSES] + [0] * 252 for i in range(3)]
    coloured = Image.merge("RGB", [small.point(lut[i]) for i in range(3)])
    edges = small.filter(ImageFilter.FIND_EDGES).point(lambda v: 255 if v else 0)
    coloured.paste(INK, mask=edges.filter(ImageFilter.MaxFilter(3)))
    c.img.paste(coloured, (c.s(30), c.s(30)))
    c.draw.rectangle([c.s(30), c.s(30), c.s(30 + side), c.s(30 + side)], outline=INK, width=c.s(2))

    lx = 600
    c.text(lx, 52, "Cover", 30, 600, INK)
    c.text(lx, 90, "inside the frame", 19, 400, GREY)
    order = sorted(range(4), key=lambda i: -counts[i])
    for row, i in enumerate(order):
        y = 150 + row * 100
        label, colour = CLASSES[i]
        c.box(lx, y, lx + 40, y + 40, colour, outline=INK, width=1.5, radius=6)
        c.text(lx + 54, y + 2, label, 22, 500, INK)
        c.text(lx + 54, y + 32, f"{100 * counts[i] / total:.0f} %", 26, 700, INK)
    return c.save(name)


# ---------------------------------------------------------------------------------------------
# 4. recovery-pathways.png: three roads after a disturbance


def make_pathways(name: str = "recovery-pathways.png") -> Path:
    c = Canvas(2400, 1000, PAPER)
    c.text(80, 60, "Three roads back after a mass disturbance", 58, 600, NAVY)
    c.text(
        80,
        138,
        "What decides the road: who survived, who arrives, and who keeps the seaweed down",
        32,
        400,
        GREY,
    )

    c.box(80, 420, 540, 700, RED, radius=26, shadow=True)
    c.text_block(
        310,
        560,
        [
            ("Disturbance", 50, 700, WHITE),
            ("bleaching · cyclone", 30, 400, hexrgb("#ffe3dc")),
            ("starfish outbreak", 30, 400, hexrgb("#ffe3dc")),
        ],
    )

    lanes = [
        (
            TEAL,
            "Regrowth",
            "Surviving colonies and fragments grow back over the dead skeletons",
            "survivors present",
            "Coral returns",
            "within years",
        ),
        (
            BLUE,
            "Recruitment",
            "Larvae from other reefs settle on the cleared rock and grow",
            "larvae arrive",
            "Coral returns",
            "a decade or more",
        ),
        (
            OLIVE,
            "Regime shift",
            "Seaweed takes the cleared space and stops new corals settling",
            "grazers missing",
            "Algal reef",
            "stays for decades",
        ),
    ]
    for k, (colour, title, body, why, outcome, when) in enumerate(lanes):
        cy = 330 + k * 250
        # Arrow from the disturbance box into the lane.
        start = (540, 560 + (k - 1) * 70)
        c.arrow(bezier(start, (680, cy), (800, cy)), colour, 8, head=30)
        c.text(
            640,
            cy - 30 if k == 0 else cy + 34 if k == 2 else cy - 40,
            why,
            26,
            500,
            colour,
            anchor="mm",
        )
        c.box(820, cy - 95, 1560, cy + 95, WHITE, outline=colour, width=5, radius=22, shadow=True)
        c.box(820, cy - 95, 850, cy + 95, colour, radius=10)
        c.text(885, cy - 50, title, 42, 700, colour, anchor="lm")
        for i, text in enumerate(c.wrap(body, 30, 400, 640)):
            c.text(885, cy + 4 + i * 40, text, 30, 400, INK, anchor="lm")
        c.arrow([(1580, cy), (1760, cy)], colour, 8, head=30)
        fill = colour if k < 2 else hexrgb("#e9e6cf")
        text_colour = WHITE if k < 2 else OLIVE
        c.box(1780, cy - 80, 2320, cy + 80, fill, outline=colour, width=4, radius=80)
        c.text_block(
            2050,
            cy,
            [
                (outcome, 40, 700, text_colour),
                (when, 28, 400, text_colour),
            ],
            gap=4,
        )
    return c.save(name)


# ---------------------------------------------------------------------------------------------
# 5. larval-connectivity.png: reefs joined by larval flows, and one isolated reef


def make_connectivity(name: str = "larval-connectivity.png") -> Path:
    rng = random.Random(5501)
    c = Canvas(1800, 1000, hexrgb("#cfe7f1"))

    # Prevailing current, drawn faint and wide behind everything.
    cur, cd = c.layer()
    c.arrow(bezier((90, 900), (640, 950), (1200, 880)), (255, 255, 255, 170), 40, head=80, draw=cd)
    c.merge(cur)
    c.text(640, 918, "prevailing current", 28, 500, hexrgb("#4f7f99"), anchor="mm")

    reefs = {
        "A": (330, 420, 95, 60),
        "B": (640, 330, 120, 70),
        "C": (560, 640, 110, 66),
        "D": (910, 560, 90, 58),
        "E": (1480, 470, 110, 80),
    }
    flows = [
        ("A", "B", 14),
        ("A", "C", 8),
        ("B", "D", 12),
        ("C", "D", 16),
        ("D", "B", 5),
        ("C", "A", 4),
        ("B", "C", 6),
    ]
    arrows, ad = c.layer()
    for src, dst, width in flows:
        (x0, y0, _, _), (x1, y1, rx, ry) = reefs[src], reefs[dst]
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        nx, ny = -(y1 - y0), x1 - x0
        n = math.hypot(nx, ny)
        ctrl = (mx + 0.22 * nx / n * n / 2, my + 0.22 * ny / n * n / 2)
        path = bezier((x0, y0), ctrl, (x1, y1), 60)
        path = [p for p in path if ((p[0] - x1) / rx) ** 2 + ((p[1] - y1) / ry) ** 2 > 1.5]
        path = [
            p
            for p in path
            if ((p[0] - x0) / reefs[src][2]) ** 2 + ((p[1] - y0) / reefs[src][3]) ** 2 > 1.3
        ]
        c.arrow(path, (*NAVY, 200), width, head=18 + width * 1.6, draw=ad)

    # Shallow shelf around every reef, drawn under the arrows.
    shelf = Image.new("RGBA", c.img.size, (240, 250, 253, 0))  # no dark fringe when blurred
    sd = ImageDraw.Draw(shelf)
    for x, y, rx, ry in reefs.values():
        sd.polygon(c.pts(blob(x, y, rx * 1.45, ry * 1.55, rng, 64)), fill=(240, 250, 253, 170))
    shelf = shelf.filter(ImageFilter.GaussianBlur(c.s(10)))
    shelf.alpha_composite(arrows)
    c.merge(shelf)

    for key, (x, y, rx, ry) in reefs.items():
        outline = blob(x, y, rx, ry, rng)
        c.draw.polygon(
            c.pts(outline), fill=hexrgb("#f3a48c"), outline=hexrgb("#c9583f"), width=c.s(4)
        )
        c.draw.polygon(c.pts(blob(x, y, rx * 0.55, ry * 0.5, rng)), fill=hexrgb("#8fd0e0"))
        c.text(x, y, key, 40, 700, NAVY, anchor="mm")

    # Self-recruitment loop on the isolated reef.
    ex, ey, _, ery = reefs["E"]
    loop = [
        (ex + 60 + 110 * math.cos(a), ey - ery - 60 + 70 * math.sin(a))
        for a in [math.radians(d) for d in range(200, 520, 8)]
    ]
    c.arrow(loop, TEAL, 10, head=30)
    c.text(ex, ey + ery + 70, "Isolated reef: only its own larvae", 28, 600, INK, anchor="mm")
    c.text(ex, ey + ery + 110, "come home", 28, 600, INK, anchor="mm")
    c.text(620, 790, "Connected reefs re-seed one another", 28, 600, INK, anchor="mm")

    # Title, legend, scale bar and north arrow.
    c.text(60, 50, "Larval connectivity among reefs", 48, 600, NAVY)
    c.text(
        60,
        112,
        "Arrow width is proportional to the larvae exchanged in a spawning season",
        28,
        400,
        GREY,
    )
    c.box(1280, 760, 1750, 960, (255, 255, 255, 230), outline=hexrgb("#9fbccb"), width=2)
    c.text(1310, 790, "Larval flux", 26, 600, INK)
    for i, (width, label) in enumerate(((4, "low"), (9, "medium"), (16, "high"))):
        y = 850 + i * 36
        c.line([(1310, y), (1420, y)], NAVY, width)
        c.text(1440, y, label, 24, 400, INK, anchor="lm")
    icon = [
        (1590 + 30 * math.cos(a), 880 + 26 * math.sin(a))
        for a in [math.radians(d) for d in range(150, 470, 10)]
    ]
    c.arrow(icon, TEAL, 6, head=18)
    c.text(1590, 930, "self-recruits", 24, 400, INK, anchor="mm")
    c.line([(1490, 90), (1690, 90)], INK, 6)
    for x in (1490, 1590, 1690):
        c.line([(x, 78), (x, 102)], INK, 4)
    c.text(1590, 130, "50 km", 26, 500, INK, anchor="mm")
    c.draw.polygon(c.pts([(1740, 40), (1722, 100), (1740, 88), (1758, 100)]), fill=INK)
    c.text(1740, 128, "N", 26, 700, INK, anchor="mm")
    return c.save(name)


# ---------------------------------------------------------------------------------------------
# 6. recovery-curves.png: coral cover after one, repeated, or a regime-shifting disturbance


def logistic(c0: float, k: float, r: float, t: float) -> float:
    return k / (1 + (k - c0) / c0 * math.exp(-r * t))


def make_curves(name: str = "recovery-curves.png") -> Path:
    c = Canvas(1600, 900, WHITE)
    px0, py0, px1, py1 = 170, 170, 1530, 770
    tmax, ymax = 20.0, 60.0

    def pos(t: float, v: float) -> Point:
        return (px0 + (px1 - px0) * t / tmax, py1 - (py1 - py0) * v / ymax)

    for v in range(0, 61, 10):
        c.line([pos(0, v), pos(tmax, v)], hexrgb("#e3e8ee"), 2)
        c.text(px0 - 18, pos(0, v)[1], f"{v}", 26, 400, GREY, anchor="rm")
    for t in range(0, 21, 2):
        c.line([pos(t, 0), (pos(t, 0)[0], py1 + 10)], GREY, 2)
        c.text(pos(t, 0)[0], py1 + 34, f"{t}", 26, 400, GREY, anchor="mm")
    c.line([(px0, py0), (px0, py1), (px1, py1)], INK, 3)
    c.text(px0 + (px1 - px0) / 2, py1 + 90, "Years", 30, 500, INK, anchor="mm")
    vertical = Image.new("RGBA", (c.s(500), c.s(60)), (0, 0, 0, 0))
    ImageDraw.Draw(vertical).text(
        (c.s(250), c.s(30)), "Hard coral cover (%)", font=font(c.s(30), 500), fill=INK, anchor="mm"
    )
    vertical = vertical.rotate(90, expand=True)
    c.img.alpha_composite(vertical, (c.s(40), c.s((py0 + py1) / 2 - 250)))

    before = 40.0
    events = (2.0, 8.0, 14.0)
    for event in events:
        c.dashed(pos(event, 0), pos(event, 56), RED, 3)
    c.text(pos(2, 57)[0], pos(2, 57)[1], "bleaching", 24, 600, RED, anchor="md")
    c.text(pos(8, 57)[0], pos(8, 57)[1], "again", 24, 600, RED, anchor="md")
    c.text(pos(14, 57)[0], pos(14, 57)[1], "again", 24, 600, RED, anchor="md")

    def series(fn: object) -> list[Point]:
        assert callable(fn)
        return [pos(i / 20, fn(i / 20)) for i in range(0, int(tmax * 20) + 1)]

    def one(t: float) -> float:
        return before if t < 2 else logistic(10, 44, 0.42, t - 2)

    def repeated(t: float) -> float:
        if t < 2:
            return before
        level, last = 10.0, 2.0
        for e in events[1:]:
            if t < e:
                break
            level = logistic(level, 44, 0.42, e - last) * 0.35
            last = e
        return logistic(level, 44, 0.42, t - last)

    def shifted(t: float) -> float:
        return before if t < 2 else 4 + 6 * math.exp(-(t - 2) / 4)

    c.line(series(shifted), OLIVE, 7)
    c.line(series(repeated), CORAL, 7)
    c.line(series(one), TEAL, 8)

    # Return time on the single-disturbance curve.
    back = next(i / 20 for i in range(40, 400) if one(i / 20) >= 0.9 * before)
    y = pos(0, 47)[1]
    c.arrow([(pos(2, 0)[0] + 6, y), (pos(back, 0)[0], y)], TEAL, 4, head=18)
    c.arrow([(pos(back, 0)[0] - 6, y), (pos(2, 0)[0], y)], TEAL, 4, head=18)
    c.text(
        (pos(2, 0)[0] + pos(back, 0)[0]) / 2,
        y - 14,
        f"return time ≈ {back - 2:.0f} years",
        24,
        600,
        TEAL,
        anchor="md",
    )

    lx: float = px0
    for colour, label in (
        (TEAL, "one disturbance"),
        (CORAL, "bleaching every six years"),
        (OLIVE, "regime shift to algae"),
    ):
        c.line([(lx, 112), (lx + 56, 112)], colour, 8)
        c.text(lx + 72, 112, label, 28, 500, INK, anchor="lm")
        lx += 72 + font(28, 500).getlength(label) + 60
    c.text(px0, 36, "Coral cover after a disturbance (illustrative model)", 40, 600, NAVY)
    return c.save(name)


# ---------------------------------------------------------------------------------------------
# 7. depth-refuge.png (tall): shallow reef above, mesophotic reef below


def make_depth(name: str = "depth-refuge.png") -> Path:
    rng = random.Random(7701)
    w, h = 900, 1400
    c = Canvas(w, h, WHITE)
    surface, bottom = 150, 1340
    max_depth = 150.0

    def ypos(depth: float) -> float:
        return surface + (bottom - surface) * depth / max_depth

    water = vertical_gradient(
        (c.s(w), c.s(h - surface)),
        [(0.0, hexrgb("#8fd6e6")), (0.25, hexrgb("#2e8db3")), (1.0, hexrgb("#071f3d"))],
    )
    c.img.paste(water, (0, c.s(surface)))
    sky = vertical_gradient(
        (c.s(w), c.s(surface)), [(0.0, hexrgb("#fdf3dc")), (1.0, hexrgb("#e8f6fb"))]
    )
    c.img.paste(sky, (0, 0))
    c.draw.ellipse([c.s(720), c.s(30), c.s(800), c.s(110)], fill=hexrgb("#ffc857"))
    wave = [(x, surface + 5 * math.sin(x / 25)) for x in range(0, w + 10, 10)]
    c.line(wave, WHITE, 5)

    # The reef slope, from a crest near the surface down to the deep.
    slope: list[Point] = [(w, ypos(3)), (820, ypos(3)), (760, ypos(7)), (690, ypos(15))]
    x = 690.0
    d = 15.0
    while d < max_depth:
        d += 4
        x -= rng.uniform(6, 16) if d < 40 else rng.uniform(2, 9)
        slope.append((x, ypos(d)))
    slope += [(x - 30, h), (w, h)]
    rock = Image.new("L", c.img.size, 0)
    ImageDraw.Draw(rock).polygon(c.pts(slope), fill=255)
    rock_tex = vertical_gradient(
        c.img.size, [(0.0, hexrgb("#d6c08e")), (0.4, hexrgb("#7d7356")), (1.0, hexrgb("#2a3140"))]
    )
    c.img.paste(rock_tex, (0, 0), rock)

    # Corals along the slope: bright and partly bleached in the shallows, plates below.
    edge = slope[1:-2]
    for i, (sx, sy) in enumerate(edge):
        depth = (sy - surface) / (bottom - surface) * max_depth
        if depth < 30:
            colour = (
                WHITE
                if i % 3 == 0
                else rng.choice((hexrgb("#ff8a6b"), hexrgb("#f4b942"), hexrgb("#c77dde")))
            )
            r = rng.uniform(14, 22)
            c.draw.ellipse(c.pts([(sx - r, sy - r), (sx + r, sy + r)]), fill=colour)
        elif i % 2 == 0:
            fade = min(1.0, (depth - 30) / 130)
            colour = mix(hexrgb("#d9825f"), hexrgb("#5d4a6e"), fade)
            c.draw.ellipse(c.pts([(sx - 46, sy - 9), (sx + 16, sy + 7)]), fill=colour)

    # Zone boundary and labels.
    c.dashed((0, ypos(30)), (w, ypos(30)), WHITE, 3)
    c.text(40, ypos(12), "Shallow reef", 40, 700, NAVY)
    c.text(40, ypos(12) + 52, "0–30 m · warm, bright", 28, 400, NAVY)
    c.text(40, ypos(12) + 88, "bleaches in heatwaves", 28, 400, NAVY)
    c.text(40, ypos(62), "Mesophotic reef", 40, 700, WHITE)
    c.text(40, ypos(62) + 52, "30–150 m · cooler, dimmer", 28, 400, hexrgb("#d6ecf5"))
    c.text(40, ypos(62) + 88, "often spared by heat stress", 28, 400, hexrgb("#d6ecf5"))

    # Larvae rising from the deep: does reseeding happen?
    for x0, d0 in ((520, 118), (560, 92), (600, 68)):
        path = bezier((x0, ypos(d0)), (x0 - 90, ypos((d0 + 30) / 2)), (x0 - 30, ypos(24)))
        for j in range(0, len(path) - 1, 4):
            c.line(path[j : j + 3], hexrgb("#ffe08a"), 5)
        c.arrow(path[-3:], hexrgb("#ffe08a"), 5, head=24)
    c.box(250, ypos(40) - 40, 450, ypos(40) + 40, (255, 255, 255, 235), radius=40)
    c.text(350, ypos(40), "reseed?", 36, 700, NAVY, anchor="mm")

    # Depth axis on the right.
    for dd in range(0, 151, 30):
        y = ypos(dd)
        c.line([(w - 70, y), (w, y)], WHITE, 3)
        c.text(w - 12, y - 8, f"{dd} m", 24, 500, WHITE if dd else NAVY, anchor="rd")
    return c.save(name)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    colonies = coral_colonies()
    labels = quadrat_labels(colonies)
    written = [
        make_reef_dawn(),
        make_quadrat(labels, colonies),
        make_quadrat_labels(labels),
        make_pathways(),
        make_connectivity(),
        make_curves(),
        make_depth(),
    ]
    for path in written:
        with Image.open(path) as img:
            size = f"{img.width}x{img.height}"
        print(f"{path.relative_to(OUT.parent.parent.parent)}  {size}  {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
