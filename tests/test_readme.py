"""Every Python and shell block in README.md runs verbatim, in order, as a new user would run
it from the repository root (here a temporary copy of it, so nothing is left behind)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```(\w*)\n(.*?)^```", README, flags=re.S | re.M)
#: Lines of shell blocks this suite cannot run inside itself: they set up .venv and run this very
#: suite (CI runs `./run test`; `./run report` is the report test's example run).
SELF = ("./run test", "./run report", "./run lab")


@pytest.fixture
def checkout(tmp_path, monkeypatch):
    # Copies, not links: a report reads only files under its configuration's data.root.
    for name in ("data", "seeds"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    (tmp_path / "reports").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_fence_is_closed_and_names_its_language():
    assert README.count("\n```") % 2 == 0
    assert all(language for language, _ in BLOCKS), "a block without a language"


def test_python_blocks_run_in_order(checkout):
    namespace: dict = {}
    for language, code in BLOCKS:
        if language == "python":
            exec(compile(code, "README.md", "exec"), namespace)
    left = {p.name for p in checkout.iterdir()} - {"data", "seeds", "examples", "reports"}
    assert not left, f"README's snippets leave {left} in the repository root"
    # What README says the ceiling sentence prints is what it prints.
    said = re.search(r'inputs\.ceiling\.describe\(\)\n# "(.*)"', README).group(1)
    assert namespace["inputs"].ceiling.describe() == said


def test_shell_blocks_run(checkout):
    bin_dir = Path(sys.executable).parent
    for language, code in BLOCKS:
        if language != "sh":
            continue
        for line in code.splitlines():
            command = line.split("  #")[0].strip()
            if not command or command.startswith(SELF):
                continue
            done = subprocess.run(
                ["bash", "-c", f'PATH="{bin_dir}:$PATH" {command}'],
                cwd=checkout, capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            assert done.returncode == 0, f"{command}\n{done.stderr[-2000:]}"
