"""Portrait uploads: JPEG and PNG only (by their content), within size and pixel limits, stored
re-encoded; every refusal leaves the order exactly as it was."""

from __future__ import annotations

import io
import os
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from PIL import Image

from tests.annual.support import (
    ANNUAL,
    annual_order,
    bind,
    card_ids,
    created_customer,
    image_bytes,
    passes_with_token,
    portraits,
    upload,
)
from tests.conftest import Kasse


@pytest.fixture
async def card(kasse: Kasse, day: date) -> tuple[str, int]:
    """A token and its order's first card, bound to a holder."""
    _, token = await passes_with_token(kasse, day, 1)
    [card_id] = card_ids(await annual_order(kasse, token))
    holder = await created_customer(kasse, token)
    assert (await bind(kasse, token, card_id, holder)).status_code == 200
    return token, card_id


def decoded(data: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture


async def test_a_png_is_stored_as_a_jpeg_of_print_size_without_metadata(
    kasse: Kasse, card: tuple[str, int]
) -> None:
    token, card_id = card
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    png = image_bytes((1800, 2400), "PNG", "RGBA", exif=exif)
    r = await upload(kasse, token, card_id, png)
    assert r.status_code == 200, r.text
    assert r.json()["personalization"]["portrait"] is True
    [stored] = await portraits(kasse)
    picture = decoded(stored.data)
    assert (picture.format, picture.size) == ("JPEG", (900, 1200))
    assert (stored.content_type, stored.width, stored.height) == ("image/jpeg", 900, 1200)
    assert not picture.getexif()


@pytest.mark.parametrize("field", ["file", "portrait", "image"])
async def test_a_jpeg_may_come_in_any_of_three_fields_and_replaces_the_last(
    kasse: Kasse, card: tuple[str, int], field: str
) -> None:
    token, card_id = card
    assert (await upload(kasse, token, card_id, image_bytes((300, 400)))).status_code == 200
    # the declared type is not what counts: a JPEG sent as "text/plain" named .txt is a JPEG
    jpeg = image_bytes((500, 500), "JPEG", quality=90)
    r = await upload(
        kasse, token, card_id, jpeg, field=field, filename="a.txt", content_type="text/plain"
    )
    assert r.status_code == 200, r.text
    [stored] = await portraits(kasse)
    assert decoded(stored.data).size == (500, 500)


def truncated_png() -> bytes:
    data = image_bytes((400, 500), "PNG", "RGB")
    noisy = Image.effect_noise((400, 500), 64).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, "PNG")
    data = buffer.getvalue()
    return data[: len(data) // 2]


def huge_png() -> bytes:
    """50 megapixels in a few kilobytes: a one-bit PNG of a single colour."""
    buffer = io.BytesIO()
    Image.new("1", (7100, 7100)).save(buffer, "PNG")
    return buffer.getvalue()


def bomb_png() -> bytes:
    """Beyond Pillow's own decompression-bomb limit (2 x 89 megapixels)."""
    buffer = io.BytesIO()
    Image.new("1", (15000, 15000)).save(buffer, "PNG")
    return buffer.getvalue()


BAD_FILES = {
    "text": (b"Hello, I am a portrait.\n", "the portrait must be a JPEG or PNG image: this file is no image at all"),
    "empty": (b"", "the portrait must be a JPEG or PNG image: this file is no image at all"),
    "gif": (image_bytes((300, 300), "GIF"), "the portrait must be a JPEG or PNG image, not GIF"),
    "webp": (image_bytes((300, 300), "WEBP"), "the portrait must be a JPEG or PNG image, not WEBP"),
    "truncated png": (truncated_png(), "the portrait must be a JPEG or PNG image: the image data is damaged or incomplete"),
    "tiny": (image_bytes((40, 400)), "the portrait is 40 x 400 pixels: at least 100 on each side"),
    "50 megapixels": (huge_png(), "the portrait has 7100 x 7100 = 50,410,000 pixels: at most 24,000,000"),
    "bomb": (bomb_png(), "the portrait has too many pixels: at most 24,000,000"),
}  # fmt: skip


@pytest.mark.parametrize("name", list(BAD_FILES))
async def test_files_that_are_no_acceptable_image_are_refused(
    kasse: Kasse, card: tuple[str, int], name: str
) -> None:
    token, card_id = card
    before = await annual_order(kasse, token)
    content, message = BAD_FILES[name]
    r = await upload(kasse, token, card_id, content)
    assert r.status_code == 422, r.text
    assert r.json() == {"error": message}
    assert await portraits(kasse) == []
    assert await annual_order(kasse, token) == before


async def test_an_oversized_upload_is_refused_before_it_is_read(
    kasse: Kasse, card: tuple[str, int]
) -> None:
    token, card_id = card
    before = await annual_order(kasse, token)
    limit = kasse.instance.settings.portrait_max_bytes
    message = {"error": f"the portrait may have at most {limit:,} bytes"}

    # A file just over the limit (in a body whose multipart overhead is small).
    r = await upload(kasse, token, card_id, b"\x89PNG" + b"\0" * limit)
    assert (r.status_code, r.json()) == (413, message)

    # A body that streams on without end is cut off at the limit, whatever it claims.
    sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'
        chunk = b"x" * 65536
        while sent < 4 * limit:
            sent += len(chunk)
            yield chunk

    r = await kasse.client.post(
        f"{ANNUAL}/personalizations/{card_id}/upload",
        params={"token": token},
        content=endless(),
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert (r.status_code, r.json()) == (413, message)
    assert sent < 2 * limit  # the server stopped reading

    # A declared Content-Length over the limit is refused on its word.
    r = await kasse.client.post(
        f"{ANNUAL}/personalizations/{card_id}/upload",
        params={"token": token},
        content=b"--xyz--\r\n",
        headers={
            "Content-Type": "multipart/form-data; boundary=xyz",
            "Content-Length": str(2 * limit),
        },
    )
    assert r.status_code == 413
    assert await portraits(kasse) == []
    assert await annual_order(kasse, token) == before


async def test_a_portrait_may_be_larger_than_other_request_bodies(
    kasse: Kasse, card: tuple[str, int]
) -> None:
    token, card_id = card
    # Noise does not compress: a PNG of a few megabytes, within the portrait limit.
    noise = Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG")
    settings = kasse.instance.settings
    assert settings.max_body_bytes < len(buffer.getvalue()) < settings.portrait_max_bytes

    r = await upload(kasse, token, card_id, buffer.getvalue())
    assert r.status_code == 200, r.text
    assert len(await portraits(kasse)) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"json": {"file": "aGVsbG8="}}, "send the portrait as multipart/form-data in a field named file"),
        ({"files": {"photo": ("me.png", image_bytes(), "image/png")}}, "no file: send the portrait in a multipart field named file"),
        ({"data": {"file": "not a file"}, "files": {"other": ("x", b"x", "text/plain")}}, "no file: send the portrait in a multipart field named file"),
        ({"content": b"garbage", "headers": {"Content-Type": "multipart/form-data"}}, "malformed multipart/form-data: Missing boundary in multipart."),
    ],
)  # fmt: skip
async def test_a_request_without_a_file_part_is_refused(
    kasse: Kasse, card: tuple[str, int], body: dict[str, Any], message: str
) -> None:
    token, card_id = card
    r = await kasse.client.post(
        f"{ANNUAL}/personalizations/{card_id}/upload", params={"token": token}, **body
    )
    assert (r.status_code, r.json()) == (422, {"error": message})
    assert await portraits(kasse) == []


async def test_a_card_out_of_reach_gets_no_portrait(
    kasse: Kasse, card: tuple[str, int], day: date
) -> None:
    token, card_id = card
    _, other_token = await passes_with_token(kasse, day, 1)
    [other_card] = card_ids(await annual_order(kasse, other_token))
    for response in (
        await upload(kasse, token, other_card, image_bytes()),
        await upload(kasse, other_token, card_id, image_bytes()),
        await upload(kasse, "wrong", card_id, image_bytes()),
    ):
        assert response.status_code == 404, response.text
    assert await portraits(kasse) == []
