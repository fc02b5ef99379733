"""Progress bars for work that takes more than a few seconds (tqdm: a bar in a terminal, a
widget in a notebook), one look for every long call."""

from __future__ import annotations

from typing import Any


def progress_bar(total: int, enabled: bool, unit: str, desc: str) -> Any:
    """A tqdm bar of `total` steps, or one that draws nothing when not `enabled`.

    Examples
    --------
    >>> bar = progress_bar(3, False, "origin", "backtesting")
    >>> bar.update(3); bar.close()
    """
    from tqdm.auto import tqdm

    return tqdm(total=total, disable=not enabled, unit=unit, desc=desc)
