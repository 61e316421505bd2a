"""Writing the tables this folder commits (manifests, provenance tables) without ever losing one.

The scripts that build data sets regenerate a committed CSV at the end of a run. A run that found
nothing (a missing or mistyped input folder, a stage run before the download, no ffmpeg) used to
overwrite the committed table with a header alone, and an interrupted write left half a table.
`write_table` refuses an empty table and replaces the file only once the new one is complete.
"""
import csv
import os


def write_table(path, header, rows, what):
    """Write `rows` (lists, or dicts keyed by `header`) under `header` to the CSV `path`, atomically.

    `what` names the table in the error raised (SystemExit) when `rows` is empty; the old file is
    then left as it was.
    """
    rows = list(rows)
    if not rows:
        raise SystemExit(f"{what}: nothing was built, so {os.path.relpath(path)} is left as it was "
                         "(check the input folders named on the command line)")
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        with open(tmp, "w", newline="") as f:
            if isinstance(rows[0], dict):
                w = csv.DictWriter(f, fieldnames=header)
                w.writeheader()
            else:
                w = csv.writer(f)
                w.writerow(header)
            w.writerows(rows)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def require_folder(path, what):
    """SystemExit naming `what` unless `path` is an existing folder."""
    if not os.path.isdir(path):
        raise SystemExit(f"{what}: {path} is not a folder")
