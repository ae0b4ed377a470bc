"""Portrait photos for annual passes: checked by decoding, never by the declared type, then stored
re-encoded as a JPEG of print size without any metadata (no EXIF location, no camera serial).

The order of the checks keeps a hostile file cheap: the byte size is checked before anything is
parsed (``uploads.py``); the format and pixel count come from the image header, before a single
pixel is decoded; Pillow's own decompression-bomb guard stays on for whatever slips past that.
Blocking (CPU-bound): run ``prepare_portrait`` in a worker thread.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from kasse.core.errors import Unprocessable

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG"})
# The photo is printed about 30 x 40 mm: 1200 px on the long side is well above 300 dpi there.
PRINT_MAX_SIDE = 1200
MIN_SIDE = 100
JPEG_QUALITY = 85
NOT_AN_IMAGE = "the portrait must be a JPEG or PNG image"

# What Pillow raises for data it cannot decode: truncated or corrupt data (OSError), malformed
# headers and chunks (SyntaxError, ValueError, EOFError).
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError)


@dataclass(frozen=True)
class PreparedPortrait:
    data: bytes
    content_type: str
    width: int
    height: int


def prepare_portrait(data: bytes, max_pixels: int) -> PreparedPortrait:
    """The upload decoded, checked and re-encoded; Unprocessable (422) says what is wrong."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            _check_header(image, max_pixels)
            if image.format == "JPEG":
                # Decode big JPEGs at a fraction of their size (DCT scaling): much faster.
                image.draft("RGB", (PRINT_MAX_SIDE, PRINT_MAX_SIDE))
            image.load()
            return _reencoded(image)
    except Image.DecompressionBombError as error:
        raise Unprocessable(f"the portrait has too many pixels: at most {max_pixels:,}") from error
    except UnidentifiedImageError as error:
        raise Unprocessable(f"{NOT_AN_IMAGE}: this file is no image at all") from error
    except _DECODE_ERRORS as error:
        raise Unprocessable(f"{NOT_AN_IMAGE}: the image data is damaged or incomplete") from error


def _check_header(image: Image.Image, max_pixels: int) -> None:
    if image.format not in ACCEPTED_FORMATS:
        raise Unprocessable(f"{NOT_AN_IMAGE}, not {image.format or 'an unknown format'}")
    width, height = image.size
    if width * height > max_pixels:
        raise Unprocessable(
            f"the portrait has {width} x {height} = {width * height:,} pixels: "
            f"at most {max_pixels:,}"
        )
    if min(width, height) < MIN_SIDE:
        raise Unprocessable(
            f"the portrait is {width} x {height} pixels: at least {MIN_SIDE} on each side"
        )


def _reencoded(image: Image.Image) -> PreparedPortrait:
    upright = ImageOps.exif_transpose(image)
    rgb = _on_white(upright)
    rgb.thumbnail((PRINT_MAX_SIDE, PRINT_MAX_SIDE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    rgb.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return PreparedPortrait(buffer.getvalue(), "image/jpeg", rgb.width, rgb.height)


def _on_white(image: Image.Image) -> Image.Image:
    """RGB for JPEG; transparent parts become white, as on the printed card."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if not has_alpha:
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, "white")
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background
