"""Domain errors that every layer raises and the web and API translate the same way."""


class ConflictError(Exception):
    """The change cannot apply to the record as it now stands (stale version, locked period)."""
