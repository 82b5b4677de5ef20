"""The deployment files in deploy/ are checked by the tools that will read them: systemd's
own verifier for the units, `nginx -t` for the site, and every setting the code reads is
documented in both environment templates."""

import datetime
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
# Read by the test set-up, `make bench` or the development tools only, never on a server.
DEVELOPMENT_ONLY = {"SQLITE_PATH", "PIC_SKIP_DOTENV", "PIC_BENCH"}


def _placed(text: str, tmp_path: Path) -> str:
    """The file as installed, with this checkout standing in for /opt/pic-portal."""
    return (
        text.replace("/opt/pic-portal", str(ROOT))
        .replace("/etc/ssl/pic-portal", str(tmp_path / "certs"))
        .replace("/run/pic-portal", str(tmp_path))
    )


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed"
)
def test_systemd_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    units = sorted((DEPLOY / "systemd").iterdir())
    assert {unit.name for unit in units} >= {
        "pic-portal-web.service",
        "pic-portal-worker.service",
        "pic-portal-sweep.service",
        "pic-portal-sweep.timer",
    }
    for unit in units:
        (tmp_path / unit.name).write_text(_placed(unit.read_text(), tmp_path))

    result = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert "pic-portal" not in result.stderr, result.stderr


def _certificate(directory: Path) -> None:
    directory.mkdir()
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pic.example.org")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (directory / "fullchain.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (directory / "privkey.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def _nginx() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
    )


@pytest.mark.skipif(_nginx() is None, reason="nginx is not installed")
def test_nginx_site_passes_nginx_t(tmp_path: Path) -> None:
    _certificate(tmp_path / "certs")
    (tmp_path / "logs").mkdir()
    site = tmp_path / "site.conf"
    site.write_text(_placed((DEPLOY / "nginx" / "pic-portal.conf").read_text(), tmp_path))
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"error_log {tmp_path}/logs/error.log;\npid {tmp_path}/nginx.pid;\nevents {{}}\n"
        f"http {{\n  access_log {tmp_path}/logs/access.log;\n"
        f"  client_body_temp_path {tmp_path}/body;\n  include {site};\n}}\n"
    )

    result = subprocess.run(
        [str(_nginx()), "-t", "-p", str(tmp_path), "-c", str(main)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def _names_in(path: Path) -> set[str]:
    return set(re.findall(r"^([A-Z][A-Z0-9_]+)=", path.read_text(), flags=re.MULTILINE))


def test_every_setting_the_code_reads_is_in_both_environment_templates() -> None:
    code = (ROOT / "pic" / "settings.py").read_text()
    read = set(re.findall(r'env(?:_[a-z]+)?\(\s*"([A-Z][A-Z0-9_]+)"', code))
    read |= set(re.findall(r'environ(?:\.get\(|\[)"([A-Z][A-Z0-9_]+)"', code))
    assert "DATABASE_URL" in read

    for template in (ROOT / ".env.example", DEPLOY / "pic-portal.env"):
        missing = read - DEVELOPMENT_ONLY - _names_in(template)
        assert not missing, f"{template.name} does not document {sorted(missing)}"


def test_the_production_template_turns_debug_off_and_leaves_secrets_empty() -> None:
    values = dict(
        line.split("=", 1)
        for line in (DEPLOY / "pic-portal.env").read_text().splitlines()
        if line and not line.startswith("#")
    )

    assert values["DJANGO_DEBUG"] == "0"
    for secret in ("DJANGO_SECRET_KEY", "PIC_FIELD_ENCRYPTION_KEYS", "PIC_IDENTIFIER_HASH_KEY"):
        assert values[secret] == "", f"{secret} must be filled on the server, not committed"
