"""Adding an article in the background: the page polls the job and shows the stage it is in.

One job runs at a time (the models and notes.db are shared); each runs in its own thread with its
own connection to notes.db. The models it loads (Kiwi, spaCy, the sentence encoder) stay loaded in
the process, so the second article costs only its own work.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.app import desk
from pipeline.errors import ReadnotesError
from pipeline.stages.translate import TranslationError
from pipeline.workspace import Workspace

log = logging.getLogger("readnotes.serve")


@dataclass
class Job:
    id: str
    pasted: desk.Pasted
    stages: list[str] = field(default_factory=list)
    state: str = "running"  # running, done, failed
    slug: str = ""
    error: str = ""  # the user's message when it failed
    status_code: int = 200  # the HTTP status of the failure page
    started: float = field(default_factory=time.perf_counter)
    seconds: float = 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "state": self.state,
            "stages": self.stages,
            "slug": self.slug,
            "error": self.error,
            "seconds": round(self.seconds, 3),
        }


class Jobs:
    """The add jobs of one server (kept while it runs: a page reloaded later still finds its job)."""

    def __init__(self, home: Path, status_of: callable) -> None:  # type: ignore[valid-type]
        self.home = home
        self.status_of = status_of  # ReadnotesError → HTTP status
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()  # one add at a time

    def start(self, pasted: desk.Pasted) -> Job:
        job = Job(secrets.token_urlsafe(8), pasted)
        self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(job,), name=f"add-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def running(self) -> list[Job]:
        return [j for j in self._jobs.values() if j.state == "running"]

    def wait(self, poll: float = 0.1) -> None:
        """Until no job runs (the server stops: an add cut short would leave its raw/ files)."""
        while self.running():
            time.sleep(poll)

    def _run(self, job: Job) -> None:
        with self._lock:
            job.started = time.perf_counter()
            ws = Workspace(self.home)  # this thread's own connection
            try:
                job.slug = desk.add_pasted(ws, job.pasted, progress=job.stages.append)
                job.state = "done"
            except ReadnotesError as e:
                job.error, job.status_code, job.state = e.user_message(), self.status_of(e), "failed"
            except TranslationError as e:  # the translator is another server: 502, and what to do
                job.error = f"{e}; paste the Korean side, or try again later (what was translated is cached)"
                job.status_code, job.state = 502, "failed"
            except Exception as e:  # noqa: BLE001 - the page says so; the traceback goes to the log
                log.exception("adding an article failed")
                job.error = (
                    f"adding the article failed ({type(e).__name__}); the server's terminal has the details"
                )
                job.status_code, job.state = 500, "failed"
            finally:
                job.seconds = time.perf_counter() - job.started
                if "db" in ws.__dict__:
                    ws.db.close()
            log.info("add %s: %s in %.2f s", job.slug or "-", job.state, job.seconds)
