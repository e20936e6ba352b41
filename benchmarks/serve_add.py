"""What adding an article costs in `readnotes serve`: the first add (models load) and the warm ones.

The desk runs for real (uvicorn on 127.0.0.1, a free port, a thread) over a temporary workspace; a
client pastes the bundled sample through the add form under a new name each time and polls the job
until the reader is ready, as the page does. Reported: the server's own time for the job (reading
to the study sheet) and the client's wall time (POST to the job's end, polling every 20 ms). For
comparison, the same add through a fresh `readnotes add` process, measured in the same run.

    python -m benchmarks.serve_add              # 1 cold + 5 warm adds, a table
    python -m benchmarks.serve_add --warm 10 --json
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from desk_browser import served  # noqa: E402


def add_once(client: httpx.Client, token: str, en: str, ko: str, slug: str) -> tuple[float, float]:
    """(server seconds, client wall seconds) for one pasted add."""
    start = time.perf_counter()
    form = {"csrf_token": token, "en": en, "ko": ko, "slug": slug, "format": "markdown"}
    answer = client.post("/add", data=form, headers={"Origin": str(client.base_url).rstrip("/")})
    assert answer.status_code == 303, answer.text
    job = answer.headers["location"]
    while True:
        state = client.get(job + "/status").json()
        if state["state"] != "running":
            break
        time.sleep(0.02)
    wall = time.perf_counter() - start
    assert state["state"] == "done", state
    return state["seconds"], wall


def cli_add(home: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "--home",
            str(home),
            "-q",
            "add",
            str(home / "raw/karpathy-2025.en.md"),
        ],
        check=True,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warm", type=int, default=5, help="warm adds after the first (default 5)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    en = (REPO / "raw/karpathy-2025.en.md").read_text(encoding="utf-8")
    ko = (REPO / "raw/karpathy-2025.ko.md").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "desk"
        home.mkdir()
        with served(home) as url, httpx.Client(base_url=url) as client:
            token = client.get("/").text.split('name="csrf-token" content="')[1].split('"')[0]
            cold = add_once(client, token, en, ko, "sample-0")
            warm = [add_once(client, token, en, ko, f"sample-{k}") for k in range(1, args.warm + 1)]
        cli_home = Path(tmp) / "cli"
        shutil.copytree(REPO / "raw", cli_home / "raw")
        cli = [cli_add(cli_home) for _ in range(3)]
    result = {
        "cold_server_s": round(cold[0], 3),
        "cold_wall_s": round(cold[1], 3),
        "warm_server_median_s": round(statistics.median(w[0] for w in warm), 3),
        "warm_wall_median_s": round(statistics.median(w[1] for w in warm), 3),
        "warm_wall_max_s": round(max(w[1] for w in warm), 3),
        "cli_add_median_s": round(statistics.median(cli), 3),
        "warm_runs": len(warm),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print("| add of the sample | seconds |\n| --- | ---: |")
    for key, value in result.items():
        print(f"| {key} | {value} |")
    ratio = result["warm_wall_median_s"] / result["cli_add_median_s"]
    print(f"\nwarm add / fresh `readnotes add` process: {ratio:.2f}")


if __name__ == "__main__":
    main()
