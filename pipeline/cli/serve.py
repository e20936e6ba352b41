"""readnotes serve: the reading and review desk in the browser, over this workspace."""

from __future__ import annotations

import errno
import socket

import click

from pipeline.cli.common import b_key_translator_option, echo, user_errors

DEFAULT_HOST = "127.0.0.1"


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: a free one), or one Error line saying what to do."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise click.ClickException(f"port {port} is in use on {host}; choose another with --port") from e
        raise click.ClickException(f"cannot listen on {host}:{port} ({e.strerror}); check --host") from e
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


@click.command("serve")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port (0: any free one)."
)
@click.option(
    "--host",
    default=None,
    help=f"Address to listen on (default {DEFAULT_HOST}: this machine only). Another address lets "
    "other machines reach your notes; a warning says so.",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    help="Another name the server answers to (the Host header), with --host (repeatable).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the library in your browser.")
@b_key_translator_option("the review page's")
@click.pass_obj
def serve_command(
    ws, port: int, host: str | None, allow_hosts: tuple[str, ...], open_browser: bool, back_translate: str
) -> None:
    """Read, review and add articles in the browser: a local server over this workspace's notes.db.

    Decisions made here are the same records as `readnotes review` makes; on the review page, b
    shows a pair's back-translation and l asks the LLM reviewer (READNOTES_LLM_URL), as in review.
    The models stay loaded, so adding a second article costs only its own work. Ctrl-C stops the
    server.

    \b
        readnotes serve --open
        readnotes serve --port 8800
    """
    import uvicorn

    from pipeline.web import create_app
    from pipeline.web.security import url_host

    if host is not None and host not in ("127.0.0.1", "localhost", "::1"):
        echo(
            f"Warning: listening on {host}: anyone who can reach this machine there can read and change "
            "your notes (there is no login). Use the default 127.0.0.1 unless you mean it.",
            err=True,
        )
    host = host or DEFAULT_HOST
    if ws.db_path.exists():
        with user_errors():
            _ = ws.db  # a damaged or newer notes.db is reported now, not on the first page
    sock = bind(host, port)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else url_host(host)
    url = f"http://{shown}:{sock.getsockname()[1]}/"
    app = create_app(ws.home, bound=host, extra_hosts=allow_hosts, translator=back_translate)
    config = uvicorn.Config(app, log_level="warning", lifespan="off", server_header=False)

    def announce() -> None:
        echo(f"Serving {ws.home.resolve()} at {url} (Ctrl-C stops)")
        if open_browser:
            import webbrowser

            webbrowser.open(url)

    class Server(uvicorn.Server):
        # Announce once uvicorn has started and holds the signals, so a Ctrl-C from then on is its
        # clean shutdown, never a KeyboardInterrupt somewhere inside its startup.
        async def startup(self, sockets=None) -> None:  # noqa: ANN001 - uvicorn's signature
            await super().startup(sockets=sockets)
            if not self.should_exit:
                announce()

    try:  # Ctrl-C is the normal way to stop, also before uvicorn has taken over the signal
        Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # uvicorn shuts down on Ctrl-C, then raises it again once it has
    finally:
        sock.close()
    _finish_adding(app.state.desk.jobs)
    echo("Stopped.")


def _finish_adding(jobs) -> None:  # noqa: ANN001 - web.jobs.Jobs, imported late like the app
    """Let an article being added finish: stopped halfway, its text would stay in raw/ unstored."""
    running = jobs.running()
    if not running:
        return
    name = running[0].pasted.slug or "the pasted article"
    echo(f"Finishing adding {name} first (Ctrl-C again stops now)...")
    try:
        jobs.wait()
    except KeyboardInterrupt:
        echo(f"Stopped while adding {name}: its text may be left in raw/; add it with `readnotes add`.")
        raise SystemExit(130) from None
