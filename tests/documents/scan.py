"""Read documents back the way a customer's printer and a turnstile scanner would."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pypdf
import pypdfium2
import zxingcpp


@dataclass(frozen=True)
class Decoded:
    text: str
    format: str  # "EAN13", "Code39", "QRCode"


def page_texts(pdf: bytes, layout: bool = False) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    if layout:
        return [page.extract_text(extraction_mode="layout") for page in reader.pages]
    return [page.extract_text() for page in reader.pages]


# The symbologies kasse prints (QR model 2 is the QR code), as a turnstile scanner is set up for
# them. With every format on, or with the whole QR family, zxing-cpp now and then also "finds" a
# Micro QR code inside a QR code (3 in 450 random tickets), which such a scanner never reports.
PRINTED_FORMATS = (
    zxingcpp.BarcodeFormat.EAN13,
    zxingcpp.BarcodeFormat.Code39,
    zxingcpp.BarcodeFormat.QRCodeModel2,
)


def decode_pages(pdf: bytes, scale: float = 3.0) -> list[list[Decoded]]:
    """Every barcode of the printed symbologies zxing-cpp finds on each page at scale x 72 dpi."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        found = []
        for index in range(len(document)):
            image = document[index].render(scale=scale).to_pil()
            found.append(
                [
                    Decoded(r.text, r.format.name)
                    for r in zxingcpp.read_barcodes(image, formats=PRINTED_FORMATS)
                ]
            )
        return found
    finally:
        document.close()
