"""Where the bundled, sourced data is read from.

In a checkout (and an editable install) it is the repository's ``data/`` folder, where its
provenance lives; a wheel carries a copy of the part the package reads (the reference class's
episodes, the population table, the Ukraine 2022 series), put in ``forecast/_data/`` at build
time by ``setup.py``. So a ``pip install .`` into a fresh environment, or a Dask worker with the
package installed, runs the default projection without the repository.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent

#: What a wheel carries, relative to ``data/`` (setup.py reads this line and copies exactly
#: these).
SHIPPED = ("README.md", "episodes", "populations", "ukraine_2022.csv")


def data_folder() -> Path:
    """The folder the bundled data is read from: the wheel's copy when there is one, else the
    checkout's ``data/``."""
    packaged = _HERE / "_data"
    return packaged if (packaged / "episodes").is_dir() else _HERE.parent / "data"


DATA = data_folder()
