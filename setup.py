"""Build step only: a wheel carries the data the package reads (see forecast/_bundled.py).

Everything else about the project is in pyproject.toml.
"""

import ast
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


def _shipped() -> tuple[str, ...]:
    """forecast._bundled.SHIPPED, read from its source: the package cannot be imported while it
    is being built (its dependencies are not installed yet)."""
    source = Path(__file__).resolve().parent / "forecast" / "_bundled.py"
    for node in ast.parse(source.read_text()).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "SHIPPED":
            return tuple(ast.literal_eval(node.value))
    raise RuntimeError(f"no SHIPPED in {source}")


class BuildWithData(build_py):
    """`build_py`, then the shipped part of ``data/`` copied into ``forecast/_data/``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's data/ itself
        source = Path(__file__).resolve().parent / "data"
        target = Path(self.build_lib) / "forecast" / "_data"
        for name in _shipped():
            if (source / name).is_dir():
                shutil.copytree(source / name, target / name, dirs_exist_ok=True)
            else:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source / name, target / name)


setup(cmdclass={"build_py": BuildWithData})
