"""`Verdict`: what a projection decided about the physical bound and a reported upper estimate.

A projection decides a few things a reader must be told: which physical bound applied and
whether any outcome reached it; whether an upper estimate capped the outcomes (and read as
what), was overruled by the data, or had already been passed. Those decisions are kept here as
numbers, and every sentence a summary, a report page or a table cell says about them is written
from those numbers by this module, so the text cannot say what the numbers do not (a note that
an estimate "binds" beside a band far above it, a table naming a cap the scenarios ignore).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from .formatting import format_count, long_date

if TYPE_CHECKING:
    from .populations import Bound

#: What a projection did with a reported upper estimate (see `Verdict.use`), in a few words.
USE_PHRASES = {
    "none": "not weighed",
    "cap": "weighed as a cap",
    "overruled": "overruled by the data",
    "passed": "already passed",
    "prior": "the prior of the fitted ceiling",
    "fixed": "taken as the ceiling",
}
USES = tuple(USE_PHRASES)


@dataclass(frozen=True)
class Verdict:
    """The bound and the upper estimate of one projection, as data.

    Attributes
    ----------
    bound
        The physical bound that applied (`forecast.populations.Bound`), or None.
    bound_said
        Which bound applied, in one sentence (`forecast.populations.bound_for`).
    bound_reached
        Whether some outcome reached the bound and is held there.
    estimate
        The upper estimate as its source gave it, persons (None: there was none).
    source
        Who gave it ("EU"; "reported" when unnamed).
    use
        ``"none"`` (no estimate), ``"cap"`` (each outcome capped at a reading of it),
        ``"overruled"`` (the data overrule it: it caps nothing), ``"passed"`` (the reported
        total had already passed it: the data alone), ``"prior"`` (a curve's ceiling, taken as
        evidence the data agree with) or ``"fixed"`` (taken as given).
    share
        For ``cap``: the share of outcomes that would exceed the estimate by `by` without it.
        For ``overruled`` by the reference class: the share of outcomes that pass it by `by`.
    held
        For ``cap``: the share of outcomes its reading caps by `by` (each outcome is capped at
        its own reading, so this differs from `share`).
    by
        The date `share` is read on.
    reading
        For ``cap``: the low and high scenarios' readings of the estimate (each outcome is capped
        at its own reading; these are the 10th and 90th percentiles of the readings). For
        ``overruled`` by a curve: the 80% range of the fitted ceiling.
    fitted
        For ``overruled`` by a curve: the median fitted ceiling, and `scenario` the fit.
    steady
        For ``overruled`` by a curve: the steady daily flow the fit continues beyond it.
    scenario
        The scenario whose fit overruled the estimate.
    passed_by
        For ``passed``: the reported total that passed it and its date.

    Examples
    --------
    >>> v = Verdict(estimate=7e6, source="EU", use="cap", share=0.4, held=0.43,
    ...             by=pd.Timestamp("2022-06-05"), reading=(4.0e6, 12.7e6))
    >>> print(v.estimate_sentence())  # doctest: +NORMALIZE_WHITESPACE
    The EU upper estimate of 7.0 million is weighed as a cap, read as 4.0 million in the low
    scenario and 12.7 million in the high one (an estimate is uncertain too): it caps 43% of past
    crises' outcomes by 5 June 2022, and without it, 40% would exceed 7.0 million.
    >>> v.status()
    'weighed as a cap, read as 4.0 million (low) to 12.7 million (high)'
    """

    bound: Bound | None = None
    bound_said: str = ""
    bound_reached: bool = False
    estimate: float | None = None
    source: str = ""
    use: str = "none"
    share: float | None = None
    held: float | None = None
    by: pd.Timestamp | None = None
    reading: tuple[float, float] | None = None
    fitted: float | None = None
    steady: float | None = None
    scenario: str = ""
    passed_by: tuple[float, pd.Timestamp] | None = None

    def __post_init__(self) -> None:
        if self.use not in USES:
            raise ValueError(f"use {self.use!r}; expected one of {', '.join(USES)}")
        if (self.use == "none") != (self.estimate is None):
            raise ValueError("an estimate goes with a use other than 'none', and only then")

    @property
    def caps(self) -> bool:
        """Whether the estimate caps the outcomes (a reading of it holds each one)."""
        return self.use in ("cap", "fixed")

    def _who(self) -> str:
        return self.source or "reported"

    def estimate_sentence(self) -> str | None:
        """What was done with the upper estimate, in one sentence (None: there was none, or a
        curve's ceiling the fit agrees with, which the scenario table states)."""
        if self.estimate is None or self.use in ("prior", "fixed"):
            return None
        said = f"the {self._who()} upper estimate of {format_count(self.estimate)}"
        if self.use == "passed":
            value, day = self.passed_by or (float("nan"), None)
            return (
                f"{said[0].upper()}{said[1:]} was already passed by {long_date(day)} "
                f"({format_count(value)} reported): the projection relies on the data alone."
            )
        if self.use == "overruled" and self.fitted is not None:
            low, high = self.reading or (float("nan"), float("nan"))
            direction = "above" if self.fitted > self.estimate else "below"
            surge = "the surge" if self.steady else "the total"
            beyond = (
                f", with a steady flow of about {format_count(self.steady)} a day continuing "
                "beyond it"
                if self.steady
                else ""
            )
            return (
                f"The data overrule {said}: the {self.scenario} fit puts {surge} at "
                f"{format_count(self.fitted)} (80%: {format_count(low)}-{format_count(high)}), "
                f"{direction} it{beyond}."
            )
        share = self.share if self.share is not None else float("nan")
        if self.use == "overruled":
            return (
                f"The data overrule {said}: from a state like this one, {share:.0%} of past "
                f"crises' outcomes pass it by {long_date(self.by)}, so the scenarios are not "
                "capped by it."
            )
        low, high = self.reading or (self.estimate, self.estimate)
        read = (
            f"read as {format_count(low)} in the low scenario and {format_count(high)} in the high"
        )
        held = self.held if self.held is not None else float("nan")
        exceed = f"without it, {_share(share)} would exceed {format_count(self.estimate)}"
        if held < SMALL_SHARE:
            return (
                f"{said[0].upper()}{said[1:]} is weighed as a cap ({read} one), but it changes "
                f"little: it caps {_share(held)} of past crises' outcomes by "
                f"{long_date(self.by)} ({exceed})."
            )
        return (
            f"{said[0].upper()}{said[1:]} is weighed as a cap, {read} one (an estimate is "
            f"uncertain too): it caps {held:.0%} of past crises' outcomes by "
            f"{long_date(self.by)}, and {exceed}."
        )

    def bound_sentence(self) -> str:
        """Which physical bound applied, and whether any outcome reached it."""
        if self.bound is None:
            return self.bound_said
        return self.bound_said.rstrip(".") + (
            ": some outcomes reach it and are held there."
            if self.bound_reached
            else "; no outcome reaches it."
        )

    def sentences(self) -> list[str]:
        """Every sentence this verdict gives a summary or a report, in reading order."""
        said = self.estimate_sentence()
        return [s for s in (said, self.bound_sentence()) if s]

    def status(self) -> str:
        """What became of the upper estimate, as a short phrase for the line that names it."""
        if self.estimate is None:
            return "no upper estimate"
        low, high = self.reading or (self.estimate, self.estimate)
        detail = {
            "cap": f", read as {format_count(low)} (low) to {format_count(high)} (high)",
            "overruled": ": it caps no scenario",
            "passed": ": the projection relies on the data alone",
        }
        return USE_PHRASES[self.use] + detail.get(self.use, "")

    def uncapped(self) -> str:
        """The scenario table's ceiling cell for a scenario nothing caps."""
        said = f"{self._who()} {format_count(self.estimate)}" if self.estimate else ""
        if self.use == "overruled":
            return f"none: the data overrule {said}"
        if self.use == "passed":
            return f"none: {said} already passed"
        return "none (data alone)"


#: Below this share of outcomes passing it, an estimate weighed as a cap changes little.
SMALL_SHARE = 0.05


def _share(share: float) -> str:
    """A small share in words: "none", "under 1%", "3%"."""
    if share <= 0:
        return "none"
    return "under 1%" if share < 0.005 else f"{share:.0%}"
