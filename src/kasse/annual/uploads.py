"""Reading a portrait upload off the wire: multipart/form-data, never more than the limit.

The body is counted while it streams in, so an oversized upload is refused (413) as soon as it
passes the limit, whatever its Content-Length claims, and before any of it is parsed as an image.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from kasse.core.errors import PayloadTooLarge, Unprocessable

FILE_FIELDS = ("file", "portrait", "image")
# Room for the multipart boundaries and part headers around the file itself.
MULTIPART_OVERHEAD = 64 * 1024

# How the upload looks in the OpenAPI document.
MULTIPART_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "JPEG or PNG (also accepted as `portrait` or `image`)",
                        }
                    },
                    "required": ["file"],
                }
            }
        },
    }
}


def upload_body_limit(limit: int) -> int:
    """The upload route's request body bound: above the checks below, which come first with their
    own message; the bound is the backstop for anything this module does not read."""
    return limit + 2 * MULTIPART_OVERHEAD


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"the portrait may have at most {limit:,} bytes")


async def _capped(stream: AsyncIterator[bytes], limit: int) -> AsyncGenerator[bytes, None]:
    received = 0
    async for chunk in stream:
        received += len(chunk)
        if received > limit + MULTIPART_OVERHEAD:
            raise _too_large(limit)
        yield chunk


async def read_portrait_file(request: Request, limit: int) -> bytes:
    """The bytes of the uploaded file (field ``file``, ``portrait`` or ``image``)."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise Unprocessable("send the portrait as multipart/form-data in a field named file")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + MULTIPART_OVERHEAD:
        raise _too_large(limit)
    parser = MultiPartParser(
        request.headers, _capped(request.stream(), limit), max_files=len(FILE_FIELDS), max_fields=10
    )
    try:
        form = await parser.parse()
    except MultiPartException as error:
        raise Unprocessable(f"malformed multipart/form-data: {error.message}") from error
    try:
        upload = next(
            (v for k in FILE_FIELDS for v in form.getlist(k) if isinstance(v, UploadFile)), None
        )
        if upload is None:
            raise Unprocessable("no file: send the portrait in a multipart field named file")
        data = await upload.read()
    finally:
        await form.close()
    if len(data) > limit:
        raise _too_large(limit)
    return data
