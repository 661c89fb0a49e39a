"""The failures a user can act on. The app turns each into a panel, the CLI into an exit code."""

from __future__ import annotations


class KhulasaError(Exception):
    """Base class: `str(error)` is a complete, user-facing sentence saying what happened and what to do."""

    exit_code = 1


# The exit code of a Ray cluster or a newsroom service that cannot be reached or refuses the caller: every article
# would fail alike, so a batch stops at the first such error instead of failing each file.
UNREACHABLE = 5


class InputError(KhulasaError):
    """The text cannot be analysed as given (empty, not UTF-8, too long, no letters)."""

    exit_code = 2


class TooLarge(InputError):
    """The file or its text is over the size limit: a larger `KHULASA_MAX_CHARS` may let it through."""


class NotArabic(KhulasaError):
    """The text does not look like Arabic; the user may still force the analysis."""

    exit_code = 3


class ModelUnavailable(KhulasaError):
    """A model could not be loaded; the message names it, the cause and the setting that fixes it (`remedy`; by
    default: download it once, or set the variable that chooses it to a local folder)."""

    exit_code = 4

    def __init__(self, role: str, name: str, variable: str, reason: str, remedy: str = "") -> None:
        self.role, self.name, self.variable, self.reason = role, name, variable, reason
        self.remedy = remedy or (f"Connect to the internet once so it downloads into the Hugging Face cache, or "
                                 f"set {variable} to a local folder that holds it.")
        super().__init__(f"The {role} model '{name}' could not be loaded: {reason}. {self.remedy}")


class NoModelRan(KhulasaError):
    """None of the three models could be loaded, so there is nothing to show (and nothing to save)."""

    exit_code = 4

    def __init__(self, problems: tuple[ModelUnavailable, ...]) -> None:
        self.problems = problems
        reasons = " ".join(str(problem) for problem in problems)
        super().__init__(f"No model could run, so nothing was analysed. {reasons}".strip())


class HistoryError(KhulasaError):
    """The history database cannot be opened, read or written; the message names the file."""


class Cancelled(Exception):
    """The work was stopped on request (Cancel, a new Analyse, a closed tab): not a failure, nothing to report."""
