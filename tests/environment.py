"""Loaded by pytest as a plugin (`-p tests.environment`), before Django reads its settings.

Tests run as production does, with DEBUG off, so the settings need a key and hosts; a
developer's .env is not read, so a local DATABASE_URL there never points the suite at a
real database (the Makefile passes DATABASE_URL explicitly for the PostgreSQL run).
"""

import atexit
import os
import shutil
import tempfile

os.environ["DJANGO_DEBUG"] = "0"
os.environ["PIC_SKIP_DOTENV"] = "1"
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Test-only keys (a Fernet key is 32 url-safe base64 bytes).
os.environ.setdefault("PIC_FIELD_ENCRYPTION_KEYS", "dGVzdHMtb25seS1mZXJuZXQta2V5LTAxMjM0NTY3ODk=")
os.environ.setdefault("PIC_IDENTIFIER_HASH_KEY", "tests-only-identifier-hash-key")
# Uploads go to a throwaway folder, never to the developer's var/media.
os.environ["PIC_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="pic-test-media-")
atexit.register(shutil.rmtree, os.environ["PIC_MEDIA_ROOT"], ignore_errors=True)
os.environ.setdefault("PIC_REQUEST_LOG", "0")  # tests that read the request log turn it on


def compile_catalogues() -> None:
    """The suite reads the compiled catalogues, which git ignores (*.mo): compile each .po
    whose .mo is missing or older, as `make setup` does, so a fresh clone's `pytest` (and
    CI) tests the Spanish that is committed. Written aside and renamed: a second pytest
    starting at once never reads half a file."""
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "locale"
    for po in root.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        partial = mo.with_suffix(f".mo.{os.getpid()}")
        subprocess.run(["msgfmt", "--check-format", "-o", str(partial), str(po)], check=True)
        os.replace(partial, mo)


compile_catalogues()
