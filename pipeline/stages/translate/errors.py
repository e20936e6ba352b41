"""The errors machine translation raises; the CLI turns each into a message with a next step."""

from __future__ import annotations


class TranslationError(RuntimeError):
    "Base class: machine translation could not be done"


class UnknownProvider(TranslationError, LookupError):
    "No translation provider by this name"


class MissingApiKey(TranslationError):
    "The provider needs a key from an environment variable that is not set"

    def __init__(self, provider: str, variables: list[str]) -> None:
        self.provider, self.variables = provider, variables
        super().__init__(f"{provider} needs an API key: set {' and '.join(variables)} in the environment")


class ProviderError(TranslationError):
    "The provider answered but refused the request or returned no translation (not worth retrying)"


class ServiceUnreachable(TranslationError):
    "The provider did not answer in time, could not be connected to, or kept answering 429/5xx"

    def __init__(self, provider: str, reason: str, attempts: int) -> None:
        self.provider, self.reason, self.attempts = provider, reason, attempts
        self.done = self.total = 0  # blocks translated before the failure, set by translate_document
        super().__init__(provider, reason, attempts)

    def __str__(self) -> str:
        tries = f"{self.attempts} attempt{'s' if self.attempts != 1 else ''}"
        text = f"translation service unreachable: {self.provider}: {self.reason} ({tries})"
        if self.total:
            text += f"; {self.done} of {self.total} blocks translated and kept"
        return text
