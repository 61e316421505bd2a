"""What the oracle scripts share: the set's pairs with their audio, a refusal recorded as an
empty cell, and the tables' number format."""
import csv, os, sys
import soundfile as sf


def pairs(root):
    """Yields (row of pairs.csv, clean, enhanced, rate) for every pair of the set, in order."""
    with open(os.path.join(root, "pairs.csv")) as f:
        rows = list(csv.DictReader(f))
    for p in rows:
        x, rx = sf.read(os.path.join(root, "clean", p["id"] + ".wav"))
        y, ry = sf.read(os.path.join(root, "enhanced", p["id"] + ".wav"))
        assert rx == ry
        yield p, x, y, rx


def refusable(pair_id):
    """safe(f): f(), or None when the oracle refuses the pair (the cell is left empty)."""
    def safe(f):
        try:
            return f()
        except Exception as err:
            print(pair_id, "oracle error:", err, file=sys.stderr)
            return None
    return safe


def fmt(v):
    return "" if v is None else f"{v:.6f}"
