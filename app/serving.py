"""What `qmarket serve --workers N` prepares before the worker processes start."""

import os
import tempfile
from pathlib import Path


def prepare_metrics_folder() -> tuple[Path, bool]:
    """The folder where each worker keeps its metric counts (prometheus-client's multiprocess mode).

    An operator's PROMETHEUS_MULTIPROC_DIR is used, emptied first: counts left by an earlier run would
    otherwise be added to this one's. Without it, a fresh temporary folder (True: remove it afterwards).
    Workers inherit the variable.
    """
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        folder = Path(given)
        if folder.exists():
            for leftover in folder.glob("*.db"):
                leftover.unlink()
        folder.mkdir(parents=True, exist_ok=True)
        made = False
    else:
        folder, made = Path(tempfile.mkdtemp(prefix="qmarket-metrics-")), True
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    return folder, made
