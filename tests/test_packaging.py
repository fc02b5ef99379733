"""A wheel, installed without the repository, runs the default projection on its own data
(a Dask worker or a `pip install .` has no checkout beside it)."""

import subprocess
import sys
import zipfile
from pathlib import Path

from forecast import _bundled

from .conftest import ROOT


def test_an_installed_wheel_reads_its_own_data(tmp_path):
    wheels, site, elsewhere = tmp_path / "wheels", tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", str(ROOT), "-w", str(wheels)], check=True)
    (wheel,) = wheels.glob("forecast-*.whl")
    with zipfile.ZipFile(wheel) as contents:
        top = {n.split("/")[2] for n in contents.namelist() if n.startswith("forecast/_data/")}
    assert top == set(_bundled.SHIPPED)  # what the package reads, and nothing else of data/
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True)
    script = (
        "import forecast, pathlib, sys\n"
        "assert pathlib.Path(forecast.__file__).is_relative_to(sys.argv[1]), forecast.__file__\n"
        "f = forecast.episodes.source_file('mali2012')\n"
        "assert f.is_relative_to(sys.argv[1]) and f.is_file(), f\n"
        "bound, _ = forecast.populations.bound_for(forecast.episodes.total('ukraine2022'))\n"
        "print(round(bound.population / 1e6, 1))\n"
    )
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script, str(site)], cwd=elsewhere, env=env,
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    # Ukraine's population in 2022 from the shipped table (World Bank): about 38 million.
    assert 35 < float(done.stdout) < 45
    assert not Path(ROOT / "forecast" / "_data").exists()  # the checkout reads data/ itself
