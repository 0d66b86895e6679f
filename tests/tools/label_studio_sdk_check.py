"""Validate an `ogi export --to label-studio` folder with Label Studio's own SDK (label-studio-sdk).

Run it where the SDK is installed (it pins an older numpy, so keep it out of ogi's environment):

    python -m venv /tmp/ls && /tmp/ls/bin/pip install label-studio-sdk
    /tmp/ls/bin/python tests/tools/label_studio_sdk_check.py OUT_FOLDER

Checks the labeling config (the SDK's config schema, unique names, toName links), and every task's
data, predictions and annotations against it. Prints one line per problem; exit 1 if any.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(folder: str) -> int:
    from label_studio_sdk.label_interface import LabelInterface

    config = (Path(folder) / "config.xml").read_text(encoding="utf-8")
    tasks = json.loads((Path(folder) / "tasks.json").read_text(encoding="utf-8"))
    li = LabelInterface(config)
    li.validate()  # raises on an invalid config
    n_labels = sum(len(c.labels) for c in li.controls)
    problems = 0
    n_regions = 0
    for i, task in enumerate(tasks):
        # validate_task() itself calls validate_prediction() without its argument (SDK 2.1.2): data only here
        if not li.validate_task({"data": task["data"]}):
            print(f"task {i}: data does not fit the config")
            problems += 1
        for pred in task.get("predictions", []):
            errors = li.validate_prediction(pred, return_errors=True)
            if errors is not True and errors:
                print(f"task {i}: prediction invalid: {errors[:3]}")
                problems += 1
            n_regions += len(pred["result"])
        for ann in task.get("annotations", []):
            if not li.validate_annotation(ann):
                print(f"task {i}: annotation invalid")
                problems += 1
    print(f"config ok: {len(li.controls)} label controls, {n_labels} labels; {len(tasks)} tasks, "
          f"{n_regions} predicted regions; {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
