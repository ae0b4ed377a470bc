"""Apple Wallet passes (.pkpass): pass.json, icons, manifest.json and a detached PKCS #7 signature.

The format is small enough to build directly; the signature is what Wallet checks, made with the
pass type certificate and chained to Apple's WWDR intermediate (or, in development, to a local CA).
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

from kasse.documents.barcodes import check_barcode
from kasse.documents.data import BarcodeMethod, Locale, PassData

SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

DEV_CA_CERT, DEV_CA_KEY = "devca.pem", "devca-key.pem"
DEV_PASS_CERT, DEV_PASS_KEY = "pass.pem", "pass-key.pem"

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so equal passes zip to equal bytes

# Wallet draws no CODE 39 or EAN-13: it shows the same value as Code 128, so the entrance scanners
# must be set to read Code 128 too
WALLET_FORMATS: dict[BarcodeMethod, str] = {
    "ean": "PKBarcodeFormatCode128",
    "code39": "PKBarcodeFormatCode128",
    "qr": "PKBarcodeFormatQR",
}

LABELS: dict[Locale, dict[str, str]] = {
    "de": {
        "ticket": "Ticket",
        "date": "Datum",
        "slot": "Zeitfenster",
        "location": "Ort",
        "holder": "Name",
        "code": "Code",
    },
    "en": {
        "ticket": "Ticket",
        "date": "Date",
        "slot": "Time slot",
        "location": "Location",
        "holder": "Name",
        "code": "Code",
    },
}


@dataclass(frozen=True, slots=True)
class PassSigner:
    """The pass type certificate with its key, and the certificates up to the root (WWDR)."""

    certificate: x509.Certificate
    private_key: SigningKey
    chain: tuple[x509.Certificate, ...] = ()

    def __post_init__(self) -> None:
        if _public_der(self.certificate.public_key()) != _public_der(self.private_key.public_key()):
            raise ValueError("the private key does not belong to the pass certificate")

    @classmethod
    def from_files(
        cls,
        cert_pem: Path,
        key_pem: Path,
        chain_pem: Path | None = None,
        password: bytes | None = None,
    ) -> PassSigner:
        """Load PEM files; chain_pem may hold several certificates (WWDR first)."""
        certificate = x509.load_pem_x509_certificate(cert_pem.read_bytes())
        key = serialization.load_pem_private_key(key_pem.read_bytes(), password=password)
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise ValueError("a pass signing key must be RSA or EC")
        chain = x509.load_pem_x509_certificates(chain_pem.read_bytes()) if chain_pem else []
        return cls(certificate=certificate, private_key=key, chain=tuple(chain))


def _public_der(key: CertificatePublicKeyTypes) -> bytes:
    return bytes(
        key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def build_pkpass(data: PassData, signer: PassSigner) -> bytes:
    """The signed .pkpass archive for one barcode."""
    check_barcode(data.barcode, data.barcode_method)
    files = {
        "pass.json": pass_json(data),
        "icon.png": solid_png(29, data.colors.background),
        "icon@2x.png": solid_png(58, data.colors.background),
    }
    manifest = json.dumps(
        {name: _sha1(content) for name, content in files.items()},
        indent=2,
        sort_keys=True,
    ).encode()
    files["manifest.json"] = manifest
    files["signature"] = sign_manifest(manifest, signer)
    return _zip(files)


def _sha1(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()  # the manifest format's hash


def pass_json(data: PassData) -> bytes:
    """pass.json of an event ticket."""
    _require_latin1(data.barcode)
    if data.relevant_date is not None and data.relevant_date.utcoffset() is None:
        raise ValueError("relevant_date needs a time zone")
    labels = LABELS[data.locale]
    content: dict[str, Any] = {
        "formatVersion": 1,
        "passTypeIdentifier": data.pass_type_identifier,
        "serialNumber": data.serial,
        "teamIdentifier": data.team_identifier,
        "organizationName": data.organization_name,
        "description": data.description,
        "foregroundColor": _rgb(data.colors.foreground),
        "backgroundColor": _rgb(data.colors.background),
        "labelColor": _rgb(data.colors.label),
        "eventTicket": _event_ticket_fields(data, labels),
        "barcodes": [
            {
                "message": data.barcode,
                "format": WALLET_FORMATS[data.barcode_method],
                "messageEncoding": "iso-8859-1",
                "altText": data.barcode,
            }
        ],
    }
    if data.relevant_date is not None:
        content["relevantDate"] = data.relevant_date.isoformat(timespec="seconds")
    return json.dumps(content, ensure_ascii=False, indent=2).encode()


def _event_ticket_fields(data: PassData, labels: dict[str, str]) -> dict[str, Any]:
    def field(key: str, value: str) -> dict[str, str]:
        return {"key": key, "label": labels[key], "value": value}

    secondary = [field("date", data.date_text)]
    if data.slot_text:
        secondary.append(field("slot", data.slot_text))
    auxiliary = [field("location", data.location_text)]
    if data.holder_name:
        auxiliary.append(field("holder", data.holder_name))
    return {
        "primaryFields": [field("ticket", data.ticket_title)],
        "secondaryFields": secondary,
        "auxiliaryFields": auxiliary,
        "backFields": [field("code", data.barcode)],
    }


def _require_latin1(text: str) -> None:
    try:
        text.encode("iso-8859-1")
    except UnicodeEncodeError as error:
        raise ValueError(f"a Wallet barcode message must be ISO 8859-1: {text!r}") from error


def _rgb(color: tuple[int, int, int]) -> str:
    if any(not 0 <= part <= 255 for part in color):
        raise ValueError(f"colour parts must be 0-255: {color!r}")
    return "rgb({}, {}, {})".format(*color)


def sign_manifest(manifest: bytes, signer: PassSigner) -> bytes:
    """DER PKCS #7 detached signature of manifest.json, carrying the signer's certificate chain."""
    builder = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(manifest)
        .add_signer(signer.certificate, signer.private_key, hashes.SHA256())
    )
    for certificate in signer.chain:
        builder = builder.add_certificate(certificate)
    return builder.sign(
        serialization.Encoding.DER,
        [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
    )


def solid_png(size: int, color: tuple[int, int, int]) -> bytes:
    """A square, single-colour RGB PNG, written by hand to need no imaging library."""
    row = b"\x00" + bytes(color) * size  # filter type 0 per scanline
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", header),
            _png_chunk(b"IDAT", zlib.compress(row * size, 9)),
            _png_chunk(b"IEND", b""),
        )
    )


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def development_signer(
    folder: Path,
    *,
    pass_type_identifier: str = "pass.org.kasse.development",
    team_identifier: str = "KASSEDEV01",
) -> PassSigner:
    """A signer for development and tests: a local CA and a pass certificate it signed.

    Made once in *folder* (files 0600, folder 0700), then reused. Wallet on a device rejects these
    passes; real passes need Apple's pass type certificate, loaded with PassSigner.from_files.
    """
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _locked(folder / ".lock"):
        cert, key, ca = (folder / name for name in (DEV_PASS_CERT, DEV_PASS_KEY, DEV_CA_CERT))
        if not (cert.exists() and key.exists() and ca.exists()):
            _write_development_files(folder, pass_type_identifier, team_identifier)
        return PassSigner.from_files(cert, key, ca)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Serialize first-time generation across worker processes sharing the folder."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _write_development_files(folder: Path, pass_type_identifier: str, team: str) -> None:
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kasse development pass CA")])
    ca_cert = _certificate(ca_name, ca_name, ca_key.public_key(), ca_key, is_ca=True)
    pass_key = ec.generate_private_key(ec.SECP256R1())
    pass_name = x509.Name(
        [
            x509.NameAttribute(NameOID.USER_ID, pass_type_identifier),
            x509.NameAttribute(NameOID.COMMON_NAME, f"Pass Type ID: {pass_type_identifier}"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, team),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "kasse development"),
        ]
    )
    pass_cert = _certificate(pass_name, ca_name, pass_key.public_key(), ca_key, is_ca=False)
    # keys first: a pass certificate without its key on disk would be regenerated anyway
    _write_private(folder / DEV_CA_KEY, _key_pem(ca_key))
    _write_private(folder / DEV_PASS_KEY, _key_pem(pass_key))
    _write_private(folder / DEV_CA_CERT, ca_cert.public_bytes(serialization.Encoding.PEM))
    _write_private(folder / DEV_PASS_CERT, pass_cert.public_bytes(serialization.Encoding.PEM))


def _certificate(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    issuer_key: ec.EllipticCurvePrivateKey,
    *,
    is_ca: bool,
) -> x509.Certificate:
    now = datetime.now(UTC)
    usage = _ca_usage() if is_ca else _signing_usage()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=0 if is_ca else None), True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    return builder.sign(issuer_key, hashes.SHA256())


def _ca_usage() -> x509.KeyUsage:
    return _key_usage(digital_signature=False, key_cert_sign=True)


def _signing_usage() -> x509.KeyUsage:
    return _key_usage(digital_signature=True, key_cert_sign=False)


def _key_usage(*, digital_signature: bool, key_cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=key_cert_sign,
        crl_sign=key_cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write_private(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    os.chmod(temporary, 0o600)  # an existing file keeps its mode through O_CREAT
    os.replace(temporary, path)
