"""Domain errors that every layer raises and the web and API translate the same way."""


class ConflictError(Exception):
    """The change cannot apply to the record as it now stands (stale version, locked period).

    `code` names the cause for machines (the API's error `code`): clients branch on it, never on
    the wording, which is for people.
    """

    def __init__(self, message: str, *, code: str = "conflict") -> None:
        super().__init__(message)
        self.code = code
