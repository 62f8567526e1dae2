"""Nothing secret is committed: no private keys, live API keys, .env files or dev key folders."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

REPO_ROOT = Path(__file__).resolve().parents[1]

SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----"),
    "Stripe live key": re.compile(r"\b(?:sk|rk)_live_[0-9A-Za-z]{10,}"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[0-9A-Za-z]{36}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[0-9A-Za-z-]{10,}"),
}
SECRET_FILE_NAMES = re.compile(r"(^|/)(\.env|id_rsa|id_ed25519)$|\.(key|pem|p12|pfx)$")


def tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=True
    ).stdout
    return [name for name in out.decode().split("\0") if name]


def find_secrets(root: Path, names: list[str]) -> list[str]:
    findings = []
    for name in names:
        if SECRET_FILE_NAMES.search(name):
            findings.append(f"{name}: secret-looking file name")
        path = root / name
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        for label, pattern in SECRET_PATTERNS.items():
            if pattern.search(text):
                findings.append(f"{name}: {label}")
    return findings


def test_no_secret_is_committed() -> None:
    files = tracked_files()
    assert len(files) > 50  # the scan really looked at the repository
    assert find_secrets(REPO_ROOT, files) == []


def test_the_scan_finds_a_committed_key(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (tmp_path / "config.py").write_text(f'KEY = """{pem.decode()}"""\n')
    (tmp_path / "settings.txt").write_text("stripe=" + "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc\n")
    (tmp_path / "identity-commerce.key").write_text("x")
    findings = find_secrets(tmp_path, ["config.py", "settings.txt", "identity-commerce.key"])
    assert findings == [
        "config.py: private key",
        "settings.txt: Stripe live key",
        "identity-commerce.key: secret-looking file name",
    ]


def test_local_secrets_and_data_are_git_ignored() -> None:
    paths = [".env", ".keys/identity-commerce.key", ".data/pg/PG_VERSION", ".run/dev/pids.json"]
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", *paths], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert sorted(result.stdout.split()) == sorted(paths)
    assert ".env.sample" in tracked_files()
