"""The one exception type for every error a user can cause, and the project's warning type."""

from __future__ import annotations


class SynthnbError(ValueError):
    """Raised for every user-caused problem; the message names the problem and the fix.

    Subclasses ``ValueError`` so code that already guards bad values keeps working. In IPython
    it is shown as its message alone, not a traceback through SDV (set
    ``SynthnbError.full_traceback = True`` to see the traceback when debugging synthnb itself).
    """

    full_traceback = False

    def _render_traceback_(self):
        # IPython calls this hook instead of formatting the traceback.
        if type(self).full_traceback:
            import traceback

            return traceback.format_exception(type(self), self, self.__traceback__)
        red, reset = "\x1b[0;31m", "\x1b[0m"
        return [f"{red}SynthnbError{reset}: {self}"]


class SynthnbWarning(UserWarning):
    """Warnings issued by synthnb itself (the test-suite turns them into errors)."""
