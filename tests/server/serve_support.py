"""What the kavosh-serve script tests share: an index of corpus/ plus generated articles,
and a running kavosh-serve on a free loopback port."""
import json
import os
import re
import shutil
import signal
import subprocess
import time

# Twelve English articles that mention Rajavi (so its hits fill more than one page of ten) and
# three Persian ones written in Arabic script, which the page must show right to left.
PERSIAN_TEXT = ("سازمان مجاهدين خلق ایران یک سازمان سیاسی است که در سال ۱۳۴۴ بنیان گذاشته شد "
                "و مسعود رجوی از رهبران آن بود.")


def build_index(index_bin, corpus, work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    generated = os.path.join(work, "generated.jsonl")
    with open(generated, "w", encoding="utf-8") as out:
        for i in range(1, 13):
            out.write(json.dumps({"id": f"en{i}", "title": f"Rajavi note {i}", "lang": "en",
                                  "text": f"Note {i} on Massoud Rajavi and the organisation."}) + "\n")
        for i in range(1, 4):
            out.write(json.dumps({"id": f"fa{i}", "title": f"مجاهدين {i}", "lang": "fa",
                                  "text": PERSIAN_TEXT}, ensure_ascii=False) + "\n")
    db = os.path.join(work, "db")
    subprocess.run([index_bin, "--db", db, "--rebuild", corpus, generated], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return db


class Serve:
    """kavosh-serve on 127.0.0.1 with a port it picks; stop() sends SIGTERM."""

    def __init__(self, serve_bin, db, *flags):
        self.process = subprocess.Popen([serve_bin, "--db", db, "--listen", "127.0.0.1:0", *flags],
                                        stderr=subprocess.PIPE, text=True)
        line = self.process.stderr.readline()
        found = re.search(r"on http://127\.0\.0\.1:(\d+)/", line)
        if not found:
            self.process.kill()
            raise RuntimeError(f"kavosh-serve did not start: {line.strip()}")
        self.url = f"http://127.0.0.1:{found.group(1)}"

    def stop(self, timeout=30):
        self.process.send_signal(signal.SIGTERM)
        rest = self.process.stderr.read()
        code = self.process.wait(timeout=timeout)
        return code, rest

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
