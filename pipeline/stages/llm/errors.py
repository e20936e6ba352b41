"""The errors the LLM reviewer raises; each carries the next step for the CLI to print."""

from __future__ import annotations

from pipeline.errors import ReadnotesError

URL_VAR = "READNOTES_LLM_URL"
MODEL_VAR = "READNOTES_LLM_MODEL"
KEY_VAR = "READNOTES_LLM_API_KEY"


class LLMError(ReadnotesError):
    "Base class: the LLM review could not be done"


class LLMNotConfigured(LLMError):
    "No server or model is set for the LLM reviewer"

    hint = (
        f"Set {URL_VAR} (an OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1 for Ollama) "
        f"and {MODEL_VAR} (e.g. qwen2.5:7b-instruct); {KEY_VAR} only if the server needs a key"
    )


class LLMUnreachable(LLMError):
    "The server did not answer in time, could not be connected to, or kept answering 429/5xx"

    def __init__(self, url: str, reason: str, attempts: int) -> None:
        self.url, self.reason, self.attempts = url, reason, attempts
        self.done = self.total = 0  # batches answered before the failure, set by the review
        super().__init__(url, reason, attempts)
        self.hint = f"Start the server or fix {URL_VAR}, then run again; answers received are kept"

    def __str__(self) -> str:
        tries = f"{self.attempts} attempt{'s' if self.attempts != 1 else ''}"
        text = f"LLM server {self.url} ({URL_VAR}) unreachable: {self.reason} ({tries})"
        if self.done:
            text += f"; {self.done} of {self.total} batches answered and kept"
        return text


class LLMRefused(LLMError):
    "The server answered but refused the request (not worth retrying)"


class TooManyPairs(LLMError):
    "More pairs would be sent than --llm-max-pairs allows"
