"""The notebooks run top to bottom in a fresh kernel, and are stored without outputs."""

import json
import time

import nbformat
import pytest
from nbclient import NotebookClient

from .conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 4


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path):
    book = json.loads(path.read_text())
    for cell in book["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, path.name
    tagged = [c for c in book["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: one cell tagged 'parameters' (papermill)"
    # The kernel `./run lab` registers (the project's .venv), so JupyterLab and papermill
    # pick the environment with forecast installed, not whatever "python3" is first.
    assert book["metadata"]["kernelspec"]["name"] == "forecast", path.name
    assert "--name forecast" in (ROOT / "run").read_text()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom(path, tmp_path):
    book = nbformat.read(path, as_version=4)
    # As papermill does: a cell after the parameters overrides them; reports go to a temporary
    # folder, not the repository's reports/.
    at = next(i for i, c in enumerate(book.cells) if "parameters" in c.metadata.get("tags", []))
    if "out =" in book.cells[at].source:
        book.cells.insert(at + 1, nbformat.v4.new_code_cell(f"out = {str(tmp_path)!r}"))
    start = time.perf_counter()
    # Per cell: the backtest cell of 03 takes 30 s alone and 60 s with a cold reference-class
    # cache; with every core busy (the suite on xdist) it passed 120 s once.
    NotebookClient(book, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()  # fmt: skip
    errors = [o for c in book.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors
    print(f"\n{path.name}: {time.perf_counter() - start:.1f} s")
    printed = "".join(o.get("text", "") for c in book.cells for o in c.get("outputs", []))
    assert HEADLINES.get(path.name, "") in printed  # the headline number, in words
    # What a reader sees: every chart cell shows a chart, the widgets cell live sliders.
    for cell in book.cells:
        if cell.cell_type != "code":
            continue
        shown = {kind for o in cell.get("outputs", []) for kind in o.get("data", {})}
        if "explore_scenarios(" in cell.source and _has_widgets():
            assert "application/vnd.jupyter.widget-view+json" in shown, cell.source
        elif any(call in cell.source for call in CHART_CALLS):
            assert "image/png" in shown, f"{path.name}: no chart shown by {cell.source!r}"
            as_text = [o for o in cell.outputs if "<Figure size" in str(o.get("data", {}))
                       and "image/png" not in o.get("data", {})]  # fmt: skip
            assert not as_text, f"{path.name}: a figure shown as text by {cell.source!r}"
            images = [
                o["data"]["image/png"] for o in cell.outputs if "image/png" in o.get("data", {})
            ]
            # A cell that returns a figure pyplot already shows draws it twice.
            assert len(images) == len(set(images)), (
                f"{path.name}: a chart shown twice by {cell.source!r}"
            )


#: Text each notebook must print (its headline sentence), where it prints one.
HEADLINES = {"01-quickstart.ipynb": " by 2022-04-14 (80%: "}
CHART_CALLS = (
    ".plot(",
    "backtest_chart(",
    "explore_scenarios(",
    "Image(",
    "figure\n",
    "plot()",
    "plt.show()",
)


def _has_widgets() -> bool:
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def test_projection_html_carries_the_headline_numbers():
    import forecast

    counts = forecast.read_counts(ROOT / "data" / "ukraine_2022.csv", on_decrease="ignore")
    total = forecast.select_series(
        counts,
        measure="cumulative_border_crossings_from_ukraine",
        destination="All neighbouring countries (UNHCR total)",
    )
    proj = forecast.project(forecast.as_of(total, "2022-03-15"), horizon=30, ceiling=7e6)
    html = proj._repr_html_()
    row = proj.frame[proj.frame.scenario == "central"].iloc[-1]
    assert f"{row['median'] / 1e6:.1f} million by 2022-04-14" in html
    assert f"{row['median']:,.0f}" in html
