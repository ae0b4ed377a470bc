from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import shutil
import stat
import subprocess
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7
from PIL import Image

from kasse.documents import PassData, PassSigner, build_pkpass, development_signer, new_barcode
from kasse.documents.wallet import DEV_CA_CERT, DEV_CA_KEY, DEV_PASS_CERT, DEV_PASS_KEY

BERLIN = timezone(timedelta(hours=1))


@pytest.fixture(scope="module")
def signer_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("wallet") / "keys"


@pytest.fixture(scope="module")
def signer(signer_folder: Path) -> PassSigner:
    return development_signer(signer_folder)


def pass_data(**changes: object) -> PassData:
    barcode = new_barcode("qr")
    data = PassData(
        serial=barcode,
        barcode=barcode,
        barcode_method="qr",
        organization_name="Staatliche Museen zu Berlin",
        description="Eintrittskarte Gemäldegalerie",
        ticket_title="El Siglo de Oro mit Gemäldegalerie regulär",
        date_text="Mittwoch, 2. Dezember 2026",
        slot_text="10:00–10:30",
        location_text="Gemäldegalerie, Matthäikirchplatz, 10785 Berlin",
        holder_name="Jürgen Weiß",
        relevant_date=datetime(2026, 12, 2, 10, 0, tzinfo=BERLIN),
        pass_type_identifier="pass.org.kasse.development",
        team_identifier="KASSEDEV01",
    )
    return dataclasses.replace(data, **changes)  # type: ignore[arg-type]


def unzip(pkpass: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(pkpass)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_archive_has_the_pass_files_and_a_manifest_of_their_sha1(signer: PassSigner) -> None:
    files = unzip(build_pkpass(pass_data(), signer))
    assert set(files) == {"pass.json", "icon.png", "icon@2x.png", "manifest.json", "signature"}
    manifest = json.loads(files["manifest.json"])
    assert set(manifest) == set(files) - {"manifest.json", "signature"}
    for name, digest in manifest.items():
        assert hashlib.sha1(files[name]).hexdigest() == digest


def test_pass_json_describes_an_event_ticket(signer: PassSigner) -> None:
    data = pass_data()
    content = json.loads(unzip(build_pkpass(data, signer))["pass.json"])
    assert content["formatVersion"] == 1
    assert content["passTypeIdentifier"] == "pass.org.kasse.development"
    assert content["teamIdentifier"] == "KASSEDEV01"
    assert content["serialNumber"] == data.barcode
    assert content["organizationName"] == "Staatliche Museen zu Berlin"
    assert content["description"] == "Eintrittskarte Gemäldegalerie"
    assert content["relevantDate"] == "2026-12-02T10:00:00+01:00"
    assert content["barcodes"] == [
        {
            "message": data.barcode,
            "format": "PKBarcodeFormatQR",
            "messageEncoding": "iso-8859-1",
            "altText": data.barcode,
        }
    ]
    fields = content["eventTicket"]
    values = {f["key"]: f["value"] for group in fields.values() for f in group}
    assert values == {
        "ticket": "El Siglo de Oro mit Gemäldegalerie regulär",
        "date": "Mittwoch, 2. Dezember 2026",
        "slot": "10:00–10:30",
        "location": "Gemäldegalerie, Matthäikirchplatz, 10785 Berlin",
        "holder": "Jürgen Weiß",
        "code": data.barcode,
    }
    assert content["backgroundColor"].startswith("rgb(")


@pytest.mark.parametrize("method", ["ean", "code39"])
def test_linear_barcodes_show_as_code128_in_wallet(signer: PassSigner, method: str) -> None:
    barcode = new_barcode(method)  # type: ignore[arg-type]
    data = pass_data(barcode=barcode, serial=barcode, barcode_method=method, relevant_date=None)
    content = json.loads(unzip(build_pkpass(data, signer))["pass.json"])
    assert content["barcodes"][0]["format"] == "PKBarcodeFormatCode128"
    assert content["barcodes"][0]["message"] == barcode
    assert "relevantDate" not in content


def test_the_icons_are_valid_pngs(signer: PassSigner) -> None:
    files = unzip(build_pkpass(pass_data(), signer))
    for name, size in (("icon.png", 29), ("icon@2x.png", 58)):
        image = Image.open(io.BytesIO(files[name]))
        image.verify()
        assert image.format == "PNG" and image.size == (size, size)


def _openssl_verify(folder: Path, signature: bytes, manifest: bytes, ca: Path) -> str:
    """ "ok", or openssl's error text."""
    (folder / "signature").write_bytes(signature)
    (folder / "manifest.json").write_bytes(manifest)
    result = subprocess.run(
        [
            "openssl", "cms", "-verify", "-binary", "-inform", "DER",
            "-in", str(folder / "signature"), "-content", str(folder / "manifest.json"),
            "-CAfile", str(ca), "-purpose", "any", "-out", str(folder / "out"),
        ],
        capture_output=True,
        check=False,
    )  # fmt: skip
    return "ok" if result.returncode == 0 else result.stderr.decode()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_the_signature_verifies_and_a_tampered_manifest_does_not(
    signer: PassSigner, signer_folder: Path, tmp_path: Path
) -> None:
    files = unzip(build_pkpass(pass_data(), signer))
    ca = signer_folder / DEV_CA_CERT
    assert _openssl_verify(tmp_path, files["signature"], files["manifest.json"], ca) == "ok"
    tampered = files["manifest.json"].replace(b'"icon.png": "', b'"icon.png": "0', 1)
    assert tampered != files["manifest.json"]
    assert "content verify error" in _openssl_verify(tmp_path, files["signature"], tampered, ca)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_a_foreign_ca_does_not_verify(signer: PassSigner, tmp_path: Path) -> None:
    other = development_signer(tmp_path / "other")
    files = unzip(build_pkpass(pass_data(), signer))
    ca = tmp_path / "other" / DEV_CA_CERT
    assert other.certificate != signer.certificate
    error = _openssl_verify(tmp_path, files["signature"], files["manifest.json"], ca)
    assert "certificate verify error" in error


def test_the_signature_carries_the_pass_certificate_and_the_chain(signer: PassSigner) -> None:
    signature = unzip(build_pkpass(pass_data(), signer))["signature"]
    certificates = pkcs7.load_der_pkcs7_certificates(signature)
    assert set(certificates) == {signer.certificate, *signer.chain}
    [ca] = signer.chain
    assert signer.certificate.issuer == ca.subject
    signer.certificate.verify_directly_issued_by(ca)


def test_the_development_signer_is_made_once_with_private_files(
    signer: PassSigner, signer_folder: Path
) -> None:
    again = development_signer(signer_folder)
    assert again.certificate == signer.certificate and again.chain == signer.chain
    assert stat.S_IMODE(signer_folder.stat().st_mode) == 0o700
    for name in (DEV_CA_CERT, DEV_CA_KEY, DEV_PASS_CERT, DEV_PASS_KEY):
        assert stat.S_IMODE((signer_folder / name).stat().st_mode) == 0o600, name
    uid = signer.certificate.subject.get_attributes_for_oid(x509.NameOID.USER_ID)
    assert [attribute.value for attribute in uid] == ["pass.org.kasse.development"]
    assert signer.certificate.not_valid_after_utc > datetime.now(UTC) + timedelta(days=365)


def test_from_files_loads_pem_and_refuses_a_foreign_key(
    signer: PassSigner, signer_folder: Path, tmp_path: Path
) -> None:
    # ``signer`` writes the development files first: this test must not rely on test order.
    loaded = PassSigner.from_files(
        signer_folder / DEV_PASS_CERT, signer_folder / DEV_PASS_KEY, signer_folder / DEV_CA_CERT
    )
    assert len(loaded.chain) == 1
    assert (
        PassSigner.from_files(signer_folder / DEV_PASS_CERT, signer_folder / DEV_PASS_KEY).chain
        == ()
    )
    with pytest.raises(ValueError, match="does not belong"):
        PassSigner.from_files(signer_folder / DEV_PASS_CERT, signer_folder / DEV_CA_KEY)


def test_equal_passes_zip_to_equal_archives_but_for_the_signature(signer: PassSigner) -> None:
    data = pass_data()
    first, second = unzip(build_pkpass(data, signer)), unzip(build_pkpass(data, signer))
    assert {k: v for k, v in first.items() if k != "signature"} == {
        k: v for k, v in second.items() if k != "signature"
    }


@pytest.mark.parametrize(
    "changes",
    [
        {"relevant_date": datetime(2026, 12, 2, 10, 0)},  # naive
        {"barcode": "lower", "barcode_method": "code39"},
        {"barcode": "Ω-token", "barcode_method": "qr"},  # not ISO 8859-1
        {"colors": dataclasses.replace(pass_data().colors, background=(0, 0, 300))},
    ],
)
def test_unusable_pass_data_is_refused(signer: PassSigner, changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        build_pkpass(pass_data(**changes), signer)
