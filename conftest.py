"""pytest settings that nbval can only take in code: the sanitize file, skipped streams, threads."""

import os
from pathlib import Path

SANITIZE_FILE = Path(__file__).parent / "tests" / "nbval_sanitize.cfg"

if os.environ.get("PYTEST_XDIST_WORKER"):
    # One thread per worker: several PyTorch processes on a few cores, each with as many
    # threads as there are cores, slow each other down many times over. The notebooks'
    # kernels are started from the worker and inherit these variables.
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[variable] = "1"


def pytest_configure(config):
    # nbval opens the sanitize file relative to the working directory, so give it an
    # absolute path: `pytest` then works from any folder of the repository.
    if getattr(config.option, "nbval_sanitize_with", "unset") is None:
        config.option.nbval_sanitize_with = str(SANITIZE_FILE)


def pytest_collectstart(collector):
    # stderr holds progress bars and warnings whose text differs from machine to
    # machine; what a notebook claims goes to stdout and is checked there.
    if hasattr(collector, "skip_compare"):
        collector.skip_compare = (*collector.skip_compare, "stderr")


def pytest_collection_modifyitems(items):
    # pytest-xdist hands out whole files in the order they were collected (pyproject.toml
    # turns off its own reordering by number of tests). Starting with the longest, the later
    # notebooks, and ending with the short unit tests keeps every worker busy until the end.
    # The sort is stable, so the cells of a notebook keep their order.
    def rank(item):
        path = item.path
        if path.suffix == ".ipynb":
            return (0, -int(path.name[:2]))
        return (1, 0)

    items.sort(key=rank)
