"""Abstract illustrations for the demo newsroom, drawn with Pillow.

The demo articles name their pictures (`image: images/foo.jpg`, `{{< figure src="…" >}}`), but the
project ships no photographs: third-party photos bring licences and credits we can't vouch for, and
binary files bloat the repository. So each picture is generated locally when the demo is loaded: a
harbour scene whose palette and shapes follow from a hash of the image's path (same path, same bytes).
"""

import hashlib
import random
import re
from pathlib import Path

import yaml
from PIL import Image, ImageColor, ImageDraw, ImageFilter

PALETTES = [  # sky top, sky bottom, water top, water bottom, sun, buildings, accent
    "#182c52 #e89260 #283e60 #0c182c #fcd68c #1e2434 #3a4660",
    "#76aace #e2ecf0 #467896 #1c3c54 #fffae2 #2c3e4e #5c6e7a",
    "#3c2856 #de7878 #4c3460 #1e1630 #ffc496 #281c38 #5c3e64",
    "#b0babe #ece8dc #78868a #3e4a50 #faf6ec #464e54 #786e64",
    "#0e3c48 #96cec4 #165860 #08242c #f0fae6 #122c34 #c45a3e",
    "#5c1e24 #f0b46e #6e382e #281418 #ffe2a0 #34181e #8c4634",
]
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
BODY_IMAGES = re.compile(  # {{< figure src="…" >}} and ![alt](path), as a body names pictures
    r"""\{\{[<%]\s*figure\b[^}]*?\bsrc\s*=\s*["']?([^"'\s}]+)|!\[[^\]]*\]\(\s*([^\s)]+)"""
)


def generate_image(path: Path, seed: str, width: int = 1600, height: int = 900) -> None:
    """Write a JPEG at `path`; the same seed and size always give the same file."""
    rng = random.Random(int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:8], "big"))
    colours = [ImageColor.getrgb(code) for code in rng.choice(PALETTES).split()]
    sky_top, sky_bottom, water_top, water_bottom, sun, dark, accent = colours
    horizon = int(height * rng.uniform(0.55, 0.7))
    image = Image.new("RGB", (width, height))
    image.paste(_gradient(width, horizon, sky_top, sky_bottom))
    image.paste(_gradient(width, height - horizon, water_top, water_bottom), (0, horizon))

    overlay = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    radius = rng.randint(height // 12, height // 5)
    cx, cy = rng.randint(radius, width - radius), rng.randint(radius, horizon - radius // 3)
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=sun + (220,))
    for _ in range(rng.randint(3, 6)):  # soft overlapping discs: clouds, haze
        r = rng.randint(height // 10, height // 3)
        x, y = rng.randint(0, width), rng.randint(0, max(1, horizon - r // 2))
        draw.ellipse((x - r, y - r // 2, x + r, y + r // 2), fill=_mix(sky_bottom, sun, rng.random()) + (60,))
    image = Image.alpha_composite(image.convert("RGBA"), overlay.filter(ImageFilter.GaussianBlur(6)))

    draw = ImageDraw.Draw(image)
    x = rng.randint(-40, 0)
    while x < width:  # the skyline: blocks of varying height sitting on the horizon
        w = rng.randint(width // 40, width // 12)
        h = rng.randint(height // 20, height // 4)
        colour = dark if rng.random() < 0.75 else accent
        draw.rectangle((x, horizon - h, x + w, horizon), fill=colour)
        if rng.random() < 0.3:  # a gable or spire
            peak = (x + w // 2, horizon - h - w // 2)
            draw.polygon([(x, horizon - h), peak, (x + w, horizon - h)], fill=colour)
        x += w + rng.randint(-w // 3, w // 4)
    for _ in range(rng.randint(1, 3)):  # harbour cranes
        base = rng.randint(width // 10, width - width // 10)
        top = horizon - rng.randint(height // 4, height // 2 - 20)
        arm = rng.choice((-1, 1)) * rng.randint(width // 16, width // 7)
        line_width = max(3, width // 250)
        draw.line((base, horizon, base, top), fill=accent, width=line_width * 2)
        draw.line((base - arm // 4, top, base + arm, top), fill=accent, width=line_width)
        draw.line((base + arm, top, base + arm, top + rng.randint(30, 120)), fill=accent, width=2)
    for _ in range(rng.randint(12, 24)):  # reflections on the water
        x, y = rng.randint(0, width), rng.randint(horizon + 6, height - 6)
        end = x + rng.randint(width // 30, width // 6)
        draw.line((x, y, end, y), fill=_mix(water_top, sun, rng.uniform(0.3, 0.8)), width=rng.randint(2, 5))

    path.parent.mkdir(parents=True, exist_ok=True)
    image.convert("RGB").save(path, "JPEG", quality=80, optimize=True)


def generate_images_for(content_dir: Path, out_dir: Path) -> list[Path]:
    """Generate every image the Markdown files in `content_dir` name, under `out_dir`."""
    content_dir, out_dir, written = Path(content_dir), Path(out_dir), []
    for markdown_file in sorted(content_dir.rglob("*.md")):
        relative_folder = markdown_file.parent.relative_to(content_dir)
        if markdown_file.name.startswith((".", "_")) or any(p.startswith(".") for p in relative_folder.parts):
            continue  # skipped by the importer too
        for reference in _image_references(markdown_file.read_text(encoding="utf-8")):
            if "://" in reference:
                continue
            # Relative to the Markdown file; a leading "/" means the import folder, as for the importer.
            relative = Path(reference[1:]) if reference.startswith("/") else relative_folder / reference
            target = out_dir / relative
            if target not in written:
                generate_image(target, seed=relative.as_posix())
                written.append(target)
    return written


def _image_references(text):
    match, references = FRONT_MATTER.match(text), []
    try:
        meta = yaml.safe_load(match.group(1) or "") if match else None
    except yaml.YAMLError:
        meta = None  # the importer will reject the file and say why
    if isinstance(meta, dict) and isinstance(meta.get("image"), str) and meta["image"].strip():
        references.append(meta["image"].strip())
    body = text[match.end() :] if match else text
    references += [figure or markdown for figure, markdown in BODY_IMAGES.findall(body)]
    return references


def _gradient(width, height, top, bottom):
    column = Image.new("RGB", (1, height))
    column.putdata([_mix(top, bottom, y / max(height - 1, 1)) for y in range(height)])
    return column.resize((width, height))


def _mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))
