"""The lesson path's steps, as data: which page, what to do, and why.

Home's "Start the lesson" leads through the four lessons in order, one short
instruction at a time (:mod:`gmm_app.shell.lesson_path` draws them). Each step
names the widgets by the labels the student sees on its page. Plain Python: no
Streamlit, no Plotly, so the path can be read and tested without a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FOG_EXPLORER = "pages/1_Fog_explorer.py"
EM_STEPPER = "pages/2_EM_stepper.py"
COVARIANCE_SHAPES = "pages/3_Covariance_shapes.py"
CHOOSING_K = "pages/4_Choosing_K.py"
HOME = "app.py"


@dataclass(frozen=True)
class LessonStep:
    """One step of the lesson path.

    Attributes
    ----------
    page : str
        The page script the step happens on, relative to the project root.
    instruction : str
        What to do: one short sentence (Markdown).
    why : str
        One line on why, in the explorer-in-the-fog story (Markdown).
    setup : tuple of (str, object)
        Shared settings the step puts in place when the path arrives at it
        (widget key, value): e.g. ``("dataset", "overlapping")`` or
        ``("em_predict", True)``.
    """

    page: str
    instruction: str
    why: str
    setup: tuple[tuple[str, object], ...] = field(default=())


STEPS: tuple[LessonStep, ...] = (
    LessonStep(
        FOG_EXPLORER,
        "On the map *Fog: how sure?* under *Clear day against fog*, find the shaded "
        "**foggy valleys**.",
        "In the fog the explorer only knows how sure they are of each hill; "
        "between two hills, no hill is sure.",
        (("dataset", "overlapping"),),
    ),
    LessonStep(
        FOG_EXPLORER,
        "Slide **Fog (temperature T)** to *0 · clear day*, then back to 1: watch the "
        "foggy valleys vanish, every point as sure as on K-Means' islands.",
        "A hard label is a soft one with the fog blown away: the GMM keeps the "
        "doubt that K-Means throws out.",
    ),
    LessonStep(
        FOG_EXPLORER,
        "Scroll down to *Check yourself*, switch it on and answer its questions: "
        "a wrong answer can be tried again.",
        "Saying what you expect before you look is how the fog's rules stick.",
    ),
    LessonStep(
        EM_STEPPER,
        "**Predict first** is on: press **Next** until the stepper asks which hill "
        "claims the circled point, answer, then press **Check**.",
        "The E-step is the explorer asking every point which hill it stands on; "
        "the hills themselves stay put.",
        (("dataset", "overlapping"), ("em_predict", True)),
    ),
    LessonStep(
        EM_STEPPER,
        "Press **Next** for the M-step: guess which marked spot the hill's top "
        "moves to, then press **Check**.",
        "The M-step moves each hill to the centre of its points, weighted by how "
        "sure each point is of it.",
    ),
    LessonStep(
        EM_STEPPER,
        "Keep pressing **Next** (or *Just show me*) to the end of the run, watching "
        "the log-likelihood chart.",
        "Each round can only raise the log-likelihood: the surveyor's map gets "
        "better until it stops changing.",
    ),
    LessonStep(
        COVARIANCE_SHAPES,
        "Under *Four types, one data set*, open all four shapes and find the types "
        "whose hills tilt to follow the slanted blobs.",
        "A hill's covariance is its width and tilt: spherical hills stay round "
        "and diag hills stay upright.",
        (("dataset", "elongated"),),
    ),
    LessonStep(
        COVARIANCE_SHAPES,
        "In *Side by side in numbers*, compare the free parameters and the BIC of "
        "each type: the ★ marks the lowest BIC.",
        "More freedom fits better but costs numbers to learn; BIC asks whether "
        "the better fit is worth them.",
    ),
    LessonStep(
        CHOOSING_K,
        "On the criteria chart, find the ★ on the BIC line: the K with the lowest BIC.",
        "More hills always fit at least as well, so the likelihood alone keeps "
        "asking for more; BIC charges for every parameter.",
        (("dataset", "varied"),),
    ),
    LessonStep(
        CHOOSING_K,
        "Pick a K two above the star in *Draw the fit with* (or click the BIC line "
        "there): where did the extra hills go on the map?",
        "An extra hill splits a real one: the explorer would see hills that are "
        "not there.",
    ),
    LessonStep(
        CHOOSING_K,
        "Under *Occam's razor*, open the razor and watch the fit (−2 ln L, grey) "
        "fall and the penalty rise as K grows.",
        "The best K is the trade between the two: the simplest map that still "
        "fits the land.",
    ),
    LessonStep(
        HOME,
        "You have seen the whole map: soft shares in the fog, EM's two steps, the "
        "shapes a hill may take and how many hills to draw.",
        "Guess, ask who belongs where, move the hills, repeat: the surveyor's loop "
        "below is all of it. Start again, or explore on your own.",
    ),
)


def step_count() -> int:
    """How many steps the path has."""
    return len(STEPS)


def step_at(number: int) -> LessonStep:
    """The step numbered ``number`` (1 to :func:`step_count`, as the student reads it).

    Raises
    ------
    IndexError
        For a number outside the path.
    """
    if not 1 <= number <= len(STEPS):
        raise IndexError(f"the lesson path has steps 1 to {len(STEPS)}, not {number}")
    return STEPS[number - 1]


def lesson_setup(number: int) -> dict[str, object]:
    """The settings of the lesson step ``number`` belongs to.

    A lesson's settings are written on its first step of the path; the steps after
    it on the same page share them.

    Parameters
    ----------
    number : int
        A step (1-based).

    Returns
    -------
    dict
        Widget key -> value.
    """
    page = step_at(number).page
    first = number
    while first > 1 and step_at(first - 1).page == page:
        first -= 1
    return dict(step_at(first).setup)


def arriving_setup(number: int, previous: int | None) -> dict[str, object]:
    """The settings to put in place on arriving at step ``number``.

    Only on arriving at a lesson (from another page's step, or at the start), so a
    student who changes something inside a lesson keeps it for that lesson's
    steps, forward and back.

    Parameters
    ----------
    number : int
        The step arrived at (1-based).
    previous : int or None
        The step left (None: the path is just starting).

    Returns
    -------
    dict
        Widget key -> value.
    """
    if previous is not None and step_at(previous).page == step_at(number).page:
        return {}
    return lesson_setup(number)
