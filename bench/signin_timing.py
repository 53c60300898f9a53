"""Account enumeration by timing (RELIABILITY 1): a sign-in with an unknown e-mail must take as long as one
with a known e-mail and a wrong password (the unknown one verifies against a dummy hash). Measured here,
with the production Argon2id parameters, never asserted in tests.

    .venv/bin/python bench/signin_timing.py [--rounds 40]

Prints the median and p90 latency of both kinds through the real route (in-process ASGI client), their
gap in percent (target < 20 %), and whether the answers were byte-identical apart from the CSP nonce.
"""

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import SQLModel

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.config import Settings
from app.db import create_db_engine, unit_of_work
from app.imports.demo import seed_taxonomy
from app.main import create_app

PASSWORD = "a long and private passphrase"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="qm-signin-"))
    settings = Settings(environment="test", database_url=f"sqlite:///{folder}/db.sqlite",
                        search_path=str(folder / "search.db"), secret_key="bench-secret-key-bench-secret-key",
                        signin_limit=10_000, public_requests_per_minute=100_000)
    engine = create_db_engine(settings)
    SQLModel.metadata.create_all(engine)
    with unit_of_work(engine) as session:
        seed_taxonomy(session)
        create_user(session, data=UserCreate(email="known@bench.example", password=PASSWORD))
    timings: dict[str, list[float]] = {"unknown e-mail": [], "known e-mail, wrong password": []}
    bodies: dict[str, set[str]] = {name: set() for name in timings}
    with TestClient(create_app(settings)) as client:
        client.get("/account/login")
        token = client.cookies["qm_csrf"]
        for i in range(args.rounds):
            for name, email in (("unknown e-mail", f"nobody{i}@bench.example"),
                                ("known e-mail, wrong password", "known@bench.example")):
                started = time.perf_counter()
                response = client.post("/account/login", data={"email": email, "password": "wrong password!",
                                                               "csrf_token": token})
                timings[name].append((time.perf_counter() - started) * 1000)
                text = re.sub(r"nonce-[^']+'|nonce=\"[^\"]+\"|\"inlineScriptNonce\": \"[^\"]+\"", "NONCE",
                              response.text).replace(email, "EMAIL")
                bodies[name].add(f"{response.status_code}:{text}")
    medians = {name: statistics.median(values) for name, values in timings.items()}
    for name, values in timings.items():
        p90 = sorted(values)[int(len(values) * 0.9) - 1]
        print(f"{name:32} median {medians[name]:7.1f} ms   p90 {p90:7.1f} ms   n={len(values)}")
    low, high = min(medians.values()), max(medians.values())
    print(f"gap between medians: {100 * (high - low) / low:.1f} % (target < 20 %)")
    same = len(bodies["unknown e-mail"] | bodies["known e-mail, wrong password"]) == 1
    print(f"answers identical apart from the nonce and the typed address: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
