"""No secret is committed (RELIABILITY 43): every tracked file is scanned for private keys, cloud and
payment keys, our own API-token format, and credentials inside database or SMTP URLs. Test fixtures use
values that are visibly fake; anything else that matches fails here."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"),
    "cloud access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "payment key": re.compile(r"\b[sr]k_live_[0-9a-zA-Z]{16,}"),
    "QMarket API token": re.compile(r"\bqm_[0-9a-f]{8}_[A-Za-z0-9_-]{40,}"),
    "password in a URL": re.compile(r"\b(?:postgres(?:ql)?(?:\+\w+)?|mysql|smtps?|redis|amqp)://[^:/\s\"'@]+:([^@\s\"'/]+)@"),
}
# Fake credentials that tests and examples use on purpose (a URL's password part).
ALLOWED_URL_PASSWORDS = {"hunter2", "${POSTGRES_PASSWORD:-qmarket}", "secret", "password", "pw"}


def tracked_files() -> list[Path]:
    listing = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / name for name in listing.splitlines() if (ROOT / name).is_file()]


def test_no_secret_is_committed():
    findings = []
    files = tracked_files()
    assert len(files) > 100
    for path in files:
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        for kind, pattern in PATTERNS.items():
            for match in pattern.finditer(text):
                if kind == "password in a URL" and match.group(1) in ALLOWED_URL_PASSWORDS:
                    continue
                findings.append(f"{path.relative_to(ROOT)}: {kind}: {match.group(0)[:40]}")
    assert findings == []


def test_the_scan_sees_what_it_looks_for():
    assert PATTERNS["QMarket API token"].search("qm_0123abcd_" + "x" * 43)
    # Built from pieces, so that this file does not match its own scan.
    assert PATTERNS["password in a URL"].search("postgresql+psycopg://app:" + "s3cr3t" + "@db/qm").group(1) == "s3cr3t"
    assert PATTERNS["private key"].search("-----BEGIN OPENSSH " + "PRIVATE KEY-----")
