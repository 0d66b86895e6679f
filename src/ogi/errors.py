"""Named exceptions: bad input (the user's to fix) kept apart from internal defects."""

from __future__ import annotations


class OgiError(Exception):
    """Base of all ogi errors."""


class UsageError(OgiError):
    """A mistake in how a command was called (a bad option value, an output that would destroy an
    input): the CLI prints the message on one line and exits 2."""


class DocumentLoadError(OgiError):
    """An input file cannot be read as a report: names the file and what is wrong."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnsupportedFormatError(DocumentLoadError):
    """A format ogi declines (.doc, .wps, images): the message names a converter."""


class ModelLoadError(OgiError):
    """A model directory is missing, incomplete or does not match this version of ogi."""


class AnnotationError(OgiError):
    """An annotation file is malformed."""


class OptionalDependencyError(OgiError):
    """A feature needs an optional extra that is not installed; the message says how to add it."""
