"""The one exception users see: bad input, reported as a single line."""


class InputError(Exception):
    """A file that cannot be read as a report (missing, empty, binary, undecodable, too large ...)."""
