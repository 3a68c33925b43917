"""A question with an answer computed from the screen, and what to say after it.

Shared by the lessons' "Check yourself" questions (``<lesson>/model_checks.py``)
and the stepper's predict-first feedback (``stepper/predict.py``). Plain Python:
no Streamlit, no Plotly. The widget that asks a :class:`Check` is
:func:`gmm_app.shell.checks.ask`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Feedback:
    """Right or wrong, and why, in a student's words (Markdown)."""

    right: bool
    headline: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Check:
    """One multiple-choice question and what to say after an answer.

    Attributes
    ----------
    key : str
        The answer widget's key (``check_...``).
    prompt : str
        The question (Markdown).
    options : tuple of str
        The answers offered, in order.
    answers : tuple of int
        Indices into ``options`` that are right (one, or several on a tie).
    why : tuple of str
        Lines of explanation from the numbers, shown after any answer.
    wrong : tuple of str
        For each option, a line said when it is picked and wrong ("" for none).
    marks : tuple of (int, str)
        Points to mark on a map: (row, label); empty when the question marks none.
    """

    key: str
    prompt: str
    options: tuple[str, ...]
    answers: tuple[int, ...]
    why: tuple[str, ...]
    wrong: tuple[str, ...]
    marks: tuple[tuple[int, str], ...] = ()

    @property
    def answer(self) -> int:
        """The first right option."""
        return self.answers[0]


def check_feedback(check: Check, choice: int) -> Feedback:
    """Right or wrong for ``choice``, with the right answer and why.

    Parameters
    ----------
    check : Check
    choice : int
        Index into ``check.options`` of the student's answer.

    Returns
    -------
    Feedback
    """
    answer = check.options[check.answer]
    if choice in check.answers:
        return Feedback(True, f"Right: *{answer}*.", check.why)
    extra = check.wrong[choice]
    return Feedback(
        False,
        f"Not quite: the answer is *{answer}*, not *{check.options[choice]}*.",
        ((extra,) if extra else ()) + check.why,
    )
