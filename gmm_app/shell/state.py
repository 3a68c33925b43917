"""Session state that follows the student from page to page.

Streamlit forgets a widget's value when the page that drew it is left. What must
follow the student (the data, K, the covariance type, the seed) is therefore kept
under a plain session-state key, ``fog.<widget key>``, and fed back into the widget
on every page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any, TypeVar

import streamlit as st

from gmm_app.words import md_escape

if TYPE_CHECKING:  # Streamlit's type for st.expander's container
    from streamlit.elements.lib.mutable_expander_container import ExpanderContainer

T = TypeVar("T")
PREFIX = "fog."
# URL values a reader could not use, waiting to be named in a note once the page
# knows what it shows instead: {URL parameter: the text the link carried}.
_UNREAD = PREFIX + "url_unread"


def plain_key(widget_key: str) -> str:
    """The plain session-state key that remembers ``widget_key``'s value."""
    return PREFIX + widget_key


def remembered(widget_key: str, default: Any = None) -> Any:
    """The value a shared widget last had on any page, or ``default``."""
    return st.session_state.get(plain_key(widget_key), default)


def remember(widget_key: str, value: Any) -> None:
    """Make ``value`` what the shared widget ``widget_key`` shows next."""
    st.session_state[plain_key(widget_key)] = value


def forget(widget_key: str) -> None:
    """Drop the remembered value of ``widget_key`` (it returns to its default)."""
    st.session_state.pop(plain_key(widget_key), None)
    st.session_state.pop(widget_key, None)


def _copy_to_plain(widget_key: str, then: Callable[[], None] | None) -> None:
    if widget_key not in st.session_state:
        # A change sent for a widget the page has since forgotten (the sidebar
        # forgets "standardise" when a new file replaces the data, while the
        # browser may still send the old toggle's state): nothing to remember.
        return
    st.session_state[plain_key(widget_key)] = st.session_state[widget_key]
    if then is not None:
        then()


def shared_widget(
    widget: Callable[..., T],
    *args: Any,
    key: str,
    on_change: Callable[[], None] | None = None,
    **kwargs: Any,
) -> T:
    """Draw a Streamlit widget whose value follows the student across pages.

    Parameters
    ----------
    widget : callable
        A Streamlit widget function, e.g. ``st.selectbox``.
    *args, **kwargs
        Passed to ``widget``; keep the default (``index``/``value``) the same on
        every page.
    key : str
        The widget key (stable; tests and the browser find the widget by it).
    on_change : callable, optional
        Called after the new value is remembered.

    Returns
    -------
    The widget's value.
    """
    plain = plain_key(key)
    if plain in st.session_state:
        st.session_state[key] = st.session_state[plain]
    value = widget(
        *args, key=key, on_change=_copy_to_plain, args=(key, on_change), **kwargs
    )
    st.session_state[plain] = value
    if key in st.session_state.get(_UNREAD, ()):  # formatted only when a note is due
        note_unread(key, kwargs.get("format_func", str)(value))
    return value


def note_unread(name: str, shown: object | None) -> None:
    """Say once that the link's ``name`` was not understood, and what is shown.

    Does nothing unless :func:`read_url_once` (or :func:`mark_unread`) set the
    value aside as unreadable.

    Parameters
    ----------
    name : str
        The URL parameter (and widget key).
    shown : object or None
        What the page shows instead (None: the value is left out).
    """
    unread = st.session_state.get(_UNREAD)
    if not unread or name not in unread:
        return
    text = unread.pop(name)
    instead = "leaving it out" if shown is None else f"showing {shown}"
    st.toast(
        md_escape(
            f"The link asked for {name} = {text}, which Fogmap does not know; "
            f"{instead}."
        ),
        icon=":material/link_off:",
        duration="long",
    )


def mark_unread(name: str, text: str) -> None:
    """Set aside the link's ``name`` = ``text`` as not understood.

    For a value that reads but does not fit what the page shows (e.g. three
    means for four hills): :func:`note_unread` or :func:`write_url` then names it.
    """
    st.session_state.setdefault(_UNREAD, {})[name] = text


def int_param(low: int, high: int) -> Callable[[str], int | None]:
    """A URL reader for an integer in [low, high] (None when unreadable)."""

    def read(text: str) -> int | None:
        try:
            return min(max(int(text), low), high)
        except ValueError:
            return None

    return read


def switch_param(text: str) -> bool | None:
    """A URL reader for a switch: "1" or "true" on, "0" or "false" off (None
    otherwise)."""
    return {"1": True, "true": True, "0": False, "false": False}.get(text.lower())


def choice_param(options: Collection[str]) -> Callable[[str], str | None]:
    """A URL reader for one of ``options`` (None otherwise)."""
    return lambda text: text if text in options else None


def float_choice_param(options: Collection[float]) -> Callable[[str], float | None]:
    """A URL reader for one of the numbers ``options`` ("0.01" and "1e-2" alike)."""

    def read(text: str) -> float | None:
        try:
            value = float(text)
        except ValueError:
            return None
        return next((o for o in options if math.isclose(o, value, rel_tol=1e-9)), None)

    return read


def read_url_once(scope: str, readers: dict[str, Callable[[str], Any]]) -> bool:
    """On the first run of ``scope`` in a session, take values from the URL.

    Parameters
    ----------
    scope : str
        A name for the page or panel reading the URL (read once per session).
    readers : dict
        Widget key (also the URL parameter name) -> function turning the text
        into a value, or None when it is not usable.

    Returns
    -------
    bool
        True on that first run.
    """
    flag = f"{PREFIX}url_read.{scope}"
    if st.session_state.get(flag):
        return False
    st.session_state[flag] = True
    for key, read in readers.items():
        text = st.query_params.get(key)
        value = None if text is None else read(text)
        if value is not None:
            remember(key, value)
        elif text is not None:
            # Named when the widget is drawn (or the URL written): then the
            # value shown instead is known.
            mark_unread(key, text)
    return True


def write_url(values: dict[str, object], owned: Collection[str]) -> None:
    """Make the URL carry ``values``; drop the ``owned`` names not in them.

    Parameters
    ----------
    values : dict
        URL parameter -> value (written with ``str``).
    owned : collection of str
        The parameters this caller writes. Only these are ever dropped: other
        panels' parameters in the same URL are left alone.
    """
    for name in owned:
        # A value the link carried that no shared widget showed: name it here.
        note_unread(name, values.get(name))
        if name not in values and name in st.query_params:
            del st.query_params[name]
    for name, value in values.items():
        if st.query_params.get(name) != str(value):
            st.query_params[name] = str(value)


def section(label: str, key: str) -> ExpanderContainer:
    """A part of a lesson that opens on demand, remembered in the page's URL.

    An ``st.expander`` bound to the query parameter ``key`` (Streamlit 1.67): the
    page reruns when it is opened or closed, and its ``.open`` says whether to
    compute and draw what it holds, so a closed section costs the first paint
    nothing; a shared link reopens the sections that were open.

    Parameters
    ----------
    label : str
        What opening it shows, in the student's words ("Open the recipe: ...").
    key : str
        Its widget key and URL parameter (``fx_show_map``).

    Returns
    -------
    ExpanderContainer
        Use as ``with box: if box.open: ...``.
    """
    return st.expander(label, key=key, bind="query-params")
