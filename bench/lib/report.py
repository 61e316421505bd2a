"""Markdown tables, bench/RESULTS.md, the README's benchmark excerpt, and the quality–compute
figure, all from the numbers this run measured."""
import math
import re

from common import BUDGETS, PEER_NAMES, PEERS, RESULTS, ROOT


def f(v, d=2):
    return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.{d}f}"


def label(system):
    if system.startswith("hush-b"):
        return f"Hush b={float(system[6:]):.2f}"
    return {"noisy": "noisy input"}.get(system, PEER_NAMES.get(system, system))


def main_table(summary, eval_hush, long_hush, long_peers, latency, published):
    """Quality (Hush's metrics) on the evaluation set beside speed/latency/memory."""
    rnnoise_rtf = long_peers["rnnoise"]["rtf"]
    rows = ["| system | PESQ-WB | PESQ-NB | STOI | SI-SDR dB | MMAC/s | RTF, 1 thread | RTF ÷ RNNoise's | latency ms | peak RSS MiB |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for s, q in summary.items():
        h = q["hush"]
        if s == "noisy":
            speed = ["–"] * 5
        elif s.startswith("hush-b"):
            b = float(s[6:])
            lh = long_hush[b]
            speed = [f"{f(eval_hush[b]['executed_mmac_s'], 1)} (measured)", f(lh["rtf"], 4),
                     f(lh["rtf"] / rnnoise_rtf, 3), f(lh["latency_ms"], 0), f(lh["peak_rss_mib"], 0)]
        else:
            lp = long_peers[s]
            mac = published.get(s)
            speed = [f"~{mac:.0f} (published)" if mac else "n/a (DSP)", f(lp["rtf"], 4),
                     f(lp["rtf"] / rnnoise_rtf, 3),
                     f(latency[s]["latency_ms"], 0) if latency[s]["latency_ms"] is not None else "offline",
                     f"{f(lp['peak_rss_mib'], 0)}*"]
        rows.append(f"| {label(s)} | {f(h['pesq_wb'])} | {f(h['pesq_nb'])} | {f(h['stoi'], 3)} | "
                    f"{f(h['si_sdr'])} | " + " | ".join(speed) + " |")
    return "\n".join(rows)


def crosscheck_table(summary):
    rows = ["| system | PESQ-WB Hush / ref (max abs diff per file) | PESQ-NB Hush / ref (max) | STOI Hush / ref (max) | SI-SDR dB Hush / ref (max) |",
            "|---|---|---|---|---|"]
    for s, q in summary.items():
        cells = []
        for k, d in (("pesq_wb", 3), ("pesq_nb", 3), ("stoi", 4), ("si_sdr", 2)):
            diff = q["max_abs_diff"][k]
            cells.append(f"{f(q['hush'][k], d)} / {f(q['reference'][k], d)} ({'–' if diff != diff else f'{diff:.1e}'})")
        rows.append(f"| {label(s)} | " + " | ".join(cells) + " |")
    worst = [f"{label(s)} {k} on `{q['worst_file'][k]}` ({q['max_abs_diff'][k]:.3f})"
             for s, q in summary.items() for k in ("pesq_wb", "pesq_nb", "stoi", "si_sdr")
             if q["max_abs_diff"][k] == q["max_abs_diff"][k] and q["max_abs_diff"][k] > 0.01]
    rows.append("")
    rows.append("Files where Hush's metric and the reference differ by more than 0.01: "
                + ("; ".join(worst) if worst else "none") + ".")
    return "\n".join(rows)


def long_table(summary, long_hush, long_peers):
    rnnoise_rtf = long_peers["rnnoise"]["rtf"]
    rows = ["| system | PESQ-WB | PESQ-NB | STOI | SI-SDR dB | PESQ-WB ref | RTF, 1 thread | RTF ÷ RNNoise's | peak RSS MiB |",
            "|---|---|---|---|---|---|---|---|---|"]
    for s, q in summary.items():
        if s == "noisy":
            run = None
        elif s.startswith("hush-b"):
            run = long_hush[float(s[6:])]
        else:
            run = long_peers[s]
        h = q["hush"]
        tail = ["–", "–", "–"] if run is None else [
            f(run["rtf"], 4), f(run["rtf"] / rnnoise_rtf, 3),
            f(run["peak_rss_mib"], 0) + ("" if s.startswith("hush") else "*")]
        rows.append(f"| {label(s)} | {f(h['pesq_wb'])} | {f(h['pesq_nb'])} | {f(h['stoi'], 3)} | {f(h['si_sdr'])} | "
                    f"{f(q['reference']['pesq_wb'])} | " + " | ".join(tail) + " |")
    return "\n".join(rows)


def scaling_tables(length_rows, summary, eval_hush, long_hush, engine):
    rows = ["| input | `hush denoise` processing s | RTF | µs per audio second | peak RSS MiB | streaming engine processing s | RTF | peak RSS MiB |",
            "|---|---|---|---|---|---|---|---|"]
    for r in length_rows:
        st = r["stream"]
        rows.append(f"| {r['seconds']} s | {f(r['processing_seconds'], 3)} | {f(r['rtf'], 4)} | "
                    f"{f(r['processing_seconds'] / r['duration'] * 1e6, 0)} | {f(r['peak_rss_mib'], 0)} | "
                    f"{f(st['processing_seconds'], 3)} | {f(st['real_time_factor'], 4)} | {f(st['peak_rss_mib'], 0)} |")
    length = "\n".join(rows)
    by_mode = {row["mode"]: row for row in engine}
    rows = ["| budget | executed MMAC/s | MAC speed-up vs dense | wall speed-up vs dense (engine bench) | RTF, long file | PESQ-WB |",
            "|---|---|---|---|---|---|"]
    dense = by_mode.get("dense (no gates)")
    for b in BUDGETS:
        e = by_mode.get(f"gated b={b}")
        rows.append(f"| {b:.2f} | {f(eval_hush[b]['executed_mmac_s'], 1)} | {f(e['mac_speedup'] if e else None)}× | "
                    f"{f(e['wall_speedup'] if e else None)}× | {f(long_hush[b]['rtf'], 4)} | "
                    f"{f(summary[f'hush-b{b:.2f}']['hush']['pesq_wb'])} |")
    if dense:
        rows.append(f"| dense, no gates | {f(dense['executed_mmac_per_second'], 1)} | 1.00× | 1.00× | – | – |")
    return length, "\n".join(rows)


COLOURS = {"rnnoise": "tab:blue", "speex": "tab:orange", "dfn3": "tab:green", "noisereduce": "tab:purple"}


def curve(summary, eval_hush, rtfs, published, path, note=""):
    """PESQ-WB vs compute: MMAC/s (Hush measured, peers published) and measured RTF."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2))
    hx = [eval_hush[bb]["executed_mmac_s"] for bb in BUDGETS]
    hy = [summary[f"hush-b{bb:.2f}"]["hush"]["pesq_wb"] for bb in BUDGETS]
    a.plot(hx, hy, "o-", color="tab:red", label="Hush (budgets, executed MACs)")
    for i, (x, y, bb) in enumerate(zip(hx, hy, BUDGETS)):
        a.annotate(f"b={bb:g}", (x, y), textcoords="offset points", xytext=(4, 6 if i % 2 else -12), fontsize=8)
    for p, mac in published.items():
        a.plot([mac], [summary[p]["hush"]["pesq_wb"]], "s", color=COLOURS[p], label=f"{PEER_NAMES[p]} (published MACs)")
    a.axhline(summary["noisy"]["hush"]["pesq_wb"], color="grey", ls="--", lw=1, label="noisy input")
    a.set_xscale("log"); a.set_xlabel("MMAC/s"); a.set_ylabel("PESQ-WB (Hush's P.862.2)")
    a.set_title("Quality vs compute"); a.legend(fontsize=7); a.grid(alpha=0.3)
    b.plot([rtfs[f"hush-b{bb:.2f}"] for bb in BUDGETS], hy, "o-", color="tab:red", label="Hush (budgets)")
    for p in PEERS:
        b.plot([rtfs[p]], [summary[p]["hush"]["pesq_wb"]], "s", color=COLOURS[p], label=PEER_NAMES[p])
    b.axhline(summary["noisy"]["hush"]["pesq_wb"], color="grey", ls="--", lw=1)
    b.set_xscale("log"); b.set_xlabel("real-time factor, one thread (this run, long file)")
    b.set_title("Quality vs measured speed"); b.legend(fontsize=7); b.grid(alpha=0.3)
    if note:
        fig.suptitle(note, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def update_readme(excerpt):
    readme = ROOT / "README.md"
    text = readme.read_text()
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    if begin not in text:
        return
    new = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: f"{begin}\n{excerpt}\n{end}", text, flags=re.S)
    readme.write_text(new)
