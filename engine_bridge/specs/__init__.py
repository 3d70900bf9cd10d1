"""Pure parsing, validation and CLI rendering of what users type: no I/O, no engine.

Every parser returns a value or raises `SpecError`, whose message says what is wrong and
how to write it instead.
"""


class SpecError(ValueError):
    """Input that cannot be used, with a message that says what is wrong and how to fix it."""
