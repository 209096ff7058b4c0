#!/usr/bin/env python3
"""kavosh-serve as a user runs it: exit codes (0 after SIGTERM, 1 missing database, 2 bad
flags), the startup line, the access log on stderr, --quiet."""
import argparse
import subprocess
import sys
import urllib.request

from serve_support import Serve, build_index

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def main():
    parser = argparse.ArgumentParser()
    for flag in ("--serve", "--index", "--corpus", "--work"):
        parser.add_argument(flag, required=True)
    args = parser.parse_args()

    missing = subprocess.run([args.serve, "--db", "/nonexistent/kavosh-db"], capture_output=True,
                             text=True, timeout=30)
    check(missing.returncode == 1, f"missing database: exit {missing.returncode}, want 1")
    check(missing.stderr.startswith("kavosh-serve: ") and "/nonexistent/kavosh-db" in missing.stderr
          and missing.stderr.count("\n") == 1, f"missing database message: {missing.stderr!r}")
    no_db = ["--db", "/nonexistent/kavosh-db"]  # usage is checked before the database
    for bad in (no_db + ["--listen", "localhost"], no_db + ["--timeout-ms", "0"],
                no_db + ["--no-such-flag"], []):
        run = subprocess.run([args.serve, *bad], capture_output=True, text=True, timeout=30)
        check(run.returncode == 2, f"{bad}: exit {run.returncode}, want 2 ({run.stderr.strip()})")

    db = build_index(args.index, args.corpus, args.work)
    server = Serve(args.serve, db)
    try:
        with urllib.request.urlopen(server.url + "/search?q=Rajavi&limit=1", timeout=10) as answer:
            check(answer.status == 200, f"search status {answer.status}")
    finally:
        code, log = server.stop()
    check(code == 0, f"exit after SIGTERM: {code}, want 0")
    check("GET /search 200 " in log, f"access log: {log!r}")
    check(log.rstrip().endswith("kavosh-serve: stopped"), f"last line: {log!r}")

    quiet = Serve(args.serve, db, "--quiet")
    urllib.request.urlopen(quiet.url + "/healthz", timeout=10).read()
    code, log = quiet.stop()
    check(code == 0 and "GET /" not in log, f"--quiet: exit {code}, log {log!r}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
