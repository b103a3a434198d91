#!/usr/bin/env python3
"""The two developer commands. Each installs what it needs into .venv first.

    python3 dev.py run [--port 8501]   start the cockpit (server.py: SQLite, demo client) and print its URL
    python3 dev.py test [pytest args]  run the whole test suite

Only Python 3.11+ is needed. Dependencies are (re)installed when requirements*.txt change.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_env(requirements: str) -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed (this is {sys.version.split()[0]}).")
    if not PY.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    files = sorted(ROOT.glob("requirements*.txt"))
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files) + requirements.encode()).hexdigest()
    stamp = VENV / f".installed-{requirements}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"Installing dependencies from {requirements} ...", flush=True)
    subprocess.check_call([str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q", "--upgrade", "pip"])
    subprocess.check_call([str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r",
                           str(ROOT / requirements)])
    stamp.write_text(digest)


def run(args: list[str]) -> int:
    ensure_env("requirements.txt")
    port = os.environ.get("COCKPIT_PORT", "8501")
    address = os.environ.get("COCKPIT_ADDRESS", "127.0.0.1")
    if "--port" in args:
        port = args[args.index("--port") + 1]
    print(f"CRM cockpit: http://{address}:{port}  (Ctrl+C stops it)", flush=True)
    # server.py: st.App around app.py, with the team-mode sign-in pages (auth/web.py)
    cmd = [str(PY), "-m", "streamlit", "run", str(ROOT / "server.py"), "--server.address", address,
           "--server.port", port, "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    return subprocess.call(cmd, cwd=ROOT)


def test(args: list[str]) -> int:
    ensure_env("requirements-dev.txt")
    cmd = [str(PY), "-m", "pytest", *args]
    return subprocess.call(cmd, cwd=ROOT)


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test"}:
        print(__doc__)
        return 2
    return {"run": run, "test": test}[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
