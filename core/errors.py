"""The exception tree of the cockpit.

Every error says where it happened, what was expected, what was found, and gives a hint.
The UI and the command line handle ``CockpitError`` in one place each (``ui/widgets.py``
``show_error`` and ``cli.main``); anything else is a bug.

    CockpitError
    ├── ConfigError          a YAML definition is broken (carries every Problem)
    ├── DataImportError      an import file cannot be read or mapped (carries Problems)
    ├── InputError           a command-line or form value is wrong
    ├── StorageError         the database or the dataset store failed or went away
    ├── ConflictError        optimistic versioning: someone else changed it first
    └── PermissionDenied     the signed-in user may not do this
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.i18n import t


@dataclass(frozen=True)
class Problem:
    """One problem, located: ``kpis.yaml: kpis[3].direction: 'up' is not one of [...]``."""

    where: str  # file, path inside it, row/column: as precise as we know
    message: str
    hint: str = ""
    key: str = ""          # the translation of ``message`` (config/i18n/errors.yaml), if it has one
    values: tuple[tuple[str, object], ...] = ()  # its placeholders (pairs: the problem stays hashable)
    hint_key: str = ""     # the translation of ``hint``

    def text(self, lang: str) -> str:
        """``message`` in the user's language (the English text where no key is set)."""
        return t(self.key, lang, **dict(self.values)) if self.key else self.message

    def hint_text(self, lang: str) -> str:
        return t(self.hint_key, lang, **dict(self.values)) if self.hint_key else self.hint

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text} ({self.hint})" if self.hint else text


class CockpitError(Exception):
    """Base class. ``problems`` lists every located problem (at least one)."""

    exit_code = 2

    def __init__(self, message: str, problems: list[Problem] | tuple[Problem, ...] = (), hint: str = "", *,
                 key: str = "", values: Mapping[str, object] | None = None, hint_key: str = ""):
        """``message``/``hint``: the English text (command line, logs); ``key``/``hint_key``: their
        entries in the translation table, filled from ``values``, for the UI (``text``)."""
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.hint = hint
        self.key, self.values, self.hint_key = key, dict(values or {}), hint_key
        super().__init__(message)

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def text(self, lang: str) -> str:
        """The headline in ``lang``: the translated ``key`` when set, else ``message``."""
        return t(self.key, lang, **self.values) if self.key else self.message

    def hint_text(self, lang: str) -> str:
        return t(self.hint_key, lang, **self.values) if self.hint_key else self.hint

    def describe(self) -> str:
        """The full text: the headline, then one line per problem, then the hint."""
        lines = [self.message]
        lines += [f"  - {p}" for p in self.problems]
        if self.hint:
            lines.append(f"  Hint: {self.hint}")
        return "\n".join(lines)


class ConfigError(CockpitError):
    """A definition file (model, KPI catalogue, scorecard, mapping, texts) is invalid."""


class DataImportError(CockpitError):
    """An import cannot proceed: unreadable file, missing columns, unsafe file."""


class InputError(CockpitError):
    """A value given on the command line or in a form is wrong."""


class StorageError(CockpitError):
    """The database or the dataset store failed. Nothing was written."""

    exit_code = 3


class ConflictError(CockpitError):
    """Someone else changed the record first; ``current`` holds what the database has now."""

    def __init__(self, message: str, current: object = None, hint: str = "", **translation):
        super().__init__(message, hint=hint, **translation)
        self.current = current


class PermissionDenied(CockpitError):
    """The signed-in user lacks the role or the client assignment for this action."""

    exit_code = 4


@dataclass
class ProblemList:
    """Collects problems while validating, so that a broken file reports all of them at once."""

    source: str
    items: list[Problem] = field(default_factory=list)

    def add(self, path: str, message: str, hint: str = "") -> None:
        where = f"{self.source}: {path}" if path else self.source
        self.items.append(Problem(where, message, hint))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self, error: type[CockpitError] = ConfigError, headline: str | None = None) -> None:
        if self.items:
            n = len(self.items)
            raise error(headline or f"{self.source}: {n} problem{'s' if n != 1 else ''} found", self.items)
