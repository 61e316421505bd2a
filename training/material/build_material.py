#!/usr/bin/env python3
"""Rebuild Hush's real-recording training material from Debian packages.

Usage (Debian 12 "bookworm"):
    python3 build_material.py [--data /work/data] [--stage all|download|extract|speech|noise]
    python3 build_material.py --stage validnoise    (the validation bank and voices, see VALID_PKGS)

Needs: apt-get, dpkg, ffmpeg (decodes ogg/wav/flac/mp3/g722), python3 with numpy + soundfile.
Nothing is installed: every package is fetched with `apt-get download` into DATA/debs/ and
unpacked with `dpkg -x` into DATA/debs/x/<package>/.

Outputs (16 kHz, mono, 16-bit PCM WAV):
    DATA/material/noise_train/<category>/<package>__<sanitised-path>.wav
    DATA/material/noise_dev/<category>/<package>__<sanitised-path>.wav
    DATA/material/speech_train/<set>/<package>__<sanitised-path>.wav
    DATA/material/speech_dev/<set>/<package>__<sanitised-path>.wav
and the provenance tables next to this script (noise_provenance.csv, speech_provenance.csv).

Deterministic: file lists are sorted, the train/dev split is a SHA-1 of
"<package>/<path inside the package>", files longer than 60 s keep their middle 60 s.

RESERVED FOR EVALUATION and refused here: pocketsphinx-testdata, lmms-common, wesnoth-*,
asterisk-core-sounds-{es,fr,it,ru}-* and every other non-English asterisk prompt pack.
VALIDATION ONLY (the validation bank, for choosing settings; never trained on): VALID_PKGS.
"""
import argparse
import csv
import hashlib
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import soundfile as sf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from committed_tables import write_table  # noqa: E402  (training/, one level up)
SR = 16000
MAX_SEC = 60.0
MIN_SEC = 0.5
AUDIO_EXT = (".ogg", ".wav", ".flac", ".mp3", ".oga", ".opus")
RESERVED = re.compile(r"^(pocketsphinx-testdata|lmms-common|wesnoth-.*|"
                      r"asterisk-(core|extra)-sounds-(?!en-).*|asterisk-prompt-.*)$")
CATEGORIES = ["babble_crowd", "applause", "music", "percussion", "traffic_engine", "wind_rain_water",
              "fan_machine", "kitchen_clatter", "keyboard_click", "animals", "alarm_bell", "other"]

# ---------------------------------------------------------------------------------------------
# Speech packages: select(rel) -> (set_name, speaker) or None; strip(rel) -> short name.
# ---------------------------------------------------------------------------------------------
AST = "usr/share/asterisk/sounds/en_US_f_Allison/"
AST_SKIP = re.compile(r"(^silence/|(^|/)(beep|beeperr|ascending-2tone|descending-2tone)\.g722$)")


def _ast_select(rel):
    if not rel.startswith(AST) or not rel.endswith(".g722"):
        return None
    if AST_SKIP.search(rel[len(AST):]):
        return None
    return "asterisk_en", "Allison Smith (en-US, f)"


FIL = "usr/share/games/fillets-ng/sound/"


def _fillets_select(rel):
    # Czech dialogue of "Fish Fillets NG", one folder per level, file prefix = character.
    m = re.match(re.escape(FIL) + r"(.+)/cs/([^/]+)\.ogg$", rel)
    if not m:
        return None
    parts = m.group(2).split("-")  # <level>-<character>-<line>; m = small fish, v = big fish
    ch = parts[1] if len(parts) >= 3 and parts[1].isalpha() else "misc"
    ch = {"m": "small fish (m)", "v": "big fish (v)"}.get(ch, ch)
    return "fillets_cs", f"fillets-cs {ch}"


KLE = "usr/share/klettres/"


def _klettres_select(rel):
    # letters and syllables read aloud, one folder per language (one reader per language, apparently)
    m = re.match(re.escape(KLE) + r"([^/]+)/(alpha|syllab)/[^/]+\.(ogg|wav)$", rel)
    return ("klettres", f"klettres lang={m.group(1)}") if m else None


KTU = "usr/share/ktuberling/sounds/"


def _ktuberling_select(rel):
    # single words (names of the pictures) read aloud, one folder per language
    m = re.match(re.escape(KTU) + r"([^/]+)/[^/]+\.(ogg|wav)$", rel)
    return ("ktuberling", f"ktuberling lang={m.group(1)}") if m else None


SPEECH_PKGS = {
    "asterisk-core-sounds-en-g722": dict(licence="CC-BY-SA-3.0", fmt="g722", dev_mod=20,
                                         select=_ast_select, strip=lambda r: r[len(AST):]),
    "fillets-ng-data-cs": dict(licence="GPL-2+", dev_mod=20, select=_fillets_select,
                               strip=lambda r: r[len(FIL):], gate_db=25.0),
    "klettres-data": dict(licence="GPL-2+", dev_mod=20, select=_klettres_select,
                          strip=lambda r: r[len(KLE):], gate_db=25.0),
    "ktuberling-data": dict(licence="GPL-2+", dev_mod=20, select=_ktuberling_select,
                            strip=lambda r: r[len(KTU):], gate_db=25.0),
}

# ---------------------------------------------------------------------------------------------
# Noise packages -> licence (short name from /usr/share/doc/PKG/copyright; "mixed:" lists the
# main licences when the copyright file has several stanzas -- check it for a given file).
# ---------------------------------------------------------------------------------------------
NOISE_PKGS = {
    "0ad-data": "CC-BY-SA-3.0",
    "extremetuxracer-data": "mixed:GPL-2+/CC0",
    "flightgear-data-base": "GPL-2+",
    "freeciv-data": "GPL-2+",
    "freedroidrpg-data": "mixed:GPL-2+/GPL-3/CC0-1.0",
    "hedgewars-data": "mixed:GPL-2/MIT/BSD-3-clause",
    "megaglest-data": "mixed:CC-BY-SA-3.0/GPL-2+",
    "minetest-data": "mixed:CC-BY-SA-3.0/LGPL-2.1+/MIT",
    "pingus-data": "GPL-3+",
    "redeclipse-data": "mixed:CC-BY-SA-3.0/CC-BY-3.0/CC0-1.0",
    "sound-theme-freedesktop": "mixed:GPL-2+/CC-BY-SA-3.0/CC-BY-3.0",
    "supertux-data": "mixed:GPL-3+/GPL-2+/CC-BY-SA",
    "supertuxkart-data": "mixed:CC-BY-SA-3.0/CC-BY-SA-4.0/CC0/CC-BY-3.0",
    "tuxpaint-data": "mixed:GPL-2+/public-domain",
    "widelands-data": "mixed:GPL-2+/CC-BY-SA-3.0",
    "tuxfootball": "GPL-2+",
    "foobillardplus-data": "mixed:GPL-2/GPL-2+",
    "lincity-ng-data": "GPL-2+",
    "scorched3d-data": "mixed:GPL-2+/CC-BY-SA-3.0",
    "torcs-data": "mixed:GPL-2+/Free-Art-License",
    "xmoto-data": "mixed:GPL-2+/MIT",
    "asterisk-moh-opsound-wav": "CC-BY-SA-3.0",
}
# 0ad-data keeps its sounds inside public.zip: stage_extract also unzips audio/* from it into
# usr/share/games/0ad/mods/public/public.zip.d/ (paths below are relative to the package root).
ZIP_AUDIO = {"0ad-data": ("usr/share/games/0ad/mods/public/public.zip", "audio/*")}

# Where a package's sounds live (only these subtrees are scanned).
PKG_DIRS = {
    "0ad-data": ["usr/share/games/0ad/mods/public/public.zip.d/audio/"],
    "extremetuxracer-data": ["usr/share/games/etr/"],
    "flightgear-data-base": ["usr/share/games/flightgear/Sounds/", "usr/share/games/flightgear/Aircraft/c172p/Sounds/"],
    "freeciv-data": ["usr/share/games/freeciv/"],
    "freedroidrpg-data": ["usr/share/freedroidrpg/data/sound/"],
    "hedgewars-data": ["usr/share/games/hedgewars/Data/Sounds/", "usr/share/games/hedgewars/Data/Music/"],
    "megaglest-data": ["usr/share/games/megaglest/"],
    "minetest-data": ["usr/share/games/minetest/games/minetest_game/"],
    "pingus-data": ["usr/share/games/pingus/data/sounds/"],
    "redeclipse-data": ["usr/share/games/redeclipse/data/sounds/"],
    "sound-theme-freedesktop": ["usr/share/sounds/freedesktop/stereo/"],
    "supertux-data": ["usr/share/games/supertux2/sounds/", "usr/share/games/supertux2/music/"],
    "supertuxkart-data": ["usr/share/games/supertuxkart/data/sfx/", "usr/share/games/supertuxkart/data/music/",
                          "usr/share/games/supertuxkart/data/tracks/"],
    "tuxpaint-data": ["usr/share/tuxpaint/sounds/"],
    "widelands-data": ["usr/share/games/widelands/data/sound/", "usr/share/games/widelands/data/music/"],
    "tuxfootball": ["usr/share/games/tuxfootball/sound/"],
    "foobillardplus-data": ["usr/share/games/foobillardplus/data/"],
    "lincity-ng-data": ["usr/share/games/lincity-ng/sounds/", "usr/share/games/lincity-ng/music/"],
    "scorched3d-data": ["usr/share/games/scorched3d/data/globalmods/"],
    "torcs-data": ["usr/share/games/torcs/data/sound/", "usr/share/games/torcs/data/music/"],
    "xmoto-data": ["usr/share/games/xmoto/Textures/Musics/"],
    "asterisk-moh-opsound-wav": ["usr/share/asterisk/moh/"],
}

# Package-specific rules, tried before the generic CAT_RULES (lower-cased short path).
PKG_RULES = {
    "tuxfootball": [("applause", r"crowdcheer"), ("babble_crowd", r"crowdooh|crowdboo|ingame"),
                    ("alarm_bell", r"whistle"), ("music", r"titlemusic")],
    "torcs-data": [("kitchen_clatter", r"crash"), ("other", r"boom|out_of_road"), ("traffic_engine", r"/sound/")],
    "supertuxkart-data": [("music", r"battle_theme|intro2")],
    "foobillardplus-data": [("applause", r"applause"), ("babble_crowd", r"ooh")],
    "scorched3d-data": [("applause", r"cheering")],
    "widelands-data": [("kitchen_clatter", r"/taverns/")],
    "asterisk-moh-opsound-wav": [("music", r".")],
    "xmoto-data": [("music", r".")],
    "lincity-ng-data": [
        ("babble_crowd", r"/(market(low|med|full)|sportscroud|school|university)"),
        ("traffic_engine", r"/(trafic|railtrain|dirttrack|harbor|rocket(takeoff)?\d)"),
        ("fan_machine", r"/(industry|power|substation|windmill|mill|recycle|coalmine|oremine|tip)"),
        ("kitchen_clatter", r"/(blacksmith|pottery)"),
        ("percussion", r"/(build|monumentconstruction|raze)"),
        ("keyboard_click", r"/click"),
        ("wind_rain_water", r"/(water|parklandlake)"),
        ("other", r"."),
    ],
}
PKG_RULES = {k: [(c, re.compile(r)) for c, r in v] for k, v in PKG_RULES.items()}

# Voice / speech / human vocalisations are never noise (checked against the lower-cased path).
EXCLUDE_ALL = re.compile(
    r"(/voices?/|voice_samples|/speech/|announcer|/tcas/|/mk-viii/|checklist|ingame_comments|/titles/|"
    r"/player/|scream|/death/|_die\d*\.|_ack\d*\.|_select\d*\.|summon|grunt|hurt|giggle|yipee|ohno|"
    r"letsgo|goodidea|areyousure|youcannot|tuxok|excellent|welldone|_speech|_pa\.|ugh\.|wee\.|"
    r"hell_o|hell_ow|yeti_gna|kiss|yoohoo|hogchant|coughing|/interface/select/|player_damage|"
    r"audio-channel-|/bot_sounds/|lobby_chat|lobby_freshmen|site_occupied|under_attack)")
EXCLUDE_PKG = {
    # megaglest: unit folders hold acknowledgements ("yes sir") besides attack sounds
    "megaglest-data": re.compile(r"(/data/sound/|/menu/|/music/|intro)"),
    "supertux-data": re.compile(r"(lifeup|upgrade|invincible|tada|coins_cleared)"),
}

# Ordered keyword rules: first match wins.  Matched against the lower-cased path below the
# package's sound dir; a music folder forces "music".
CAT_RULES = [
    ("music", r"(/music/|^music/|stdmusic|/intro\.mp3|ride_of_the_valkyries|gnu_flute|fanfare|harp\.|_music)"),
    ("applause", r"(applause|clap|cheer|goal_scored|race_finish_victory|crowd_win)"),
    ("babble_crowd", r"(crowd|babble|murmur|chatter|tavern|amb_trade|amb_port|restaurant|market|people)"),
    ("alarm_bell", r"(alarm|bell|siren|beep|buzz|bzzt|alert|warning|gear-hrn|overspeed|stall|horn|"
                   r"phone-|phone\.|countdown|clock|ticking|minetick|alarm-clock|complete|message|"
                   r"suddendeath|camera-shutter|service-|dialog-|power-|audio-|network-|device-|"
                   r"window-attention|screen-capture|trash|suspend|bleep|chink|ting\.|coin)"),
    ("animals", r"(fauna|animal|bird|birdy|dog|cow|sheep|pig|horse|wolf|coyote|moose|stag|boar|frog|"
                r"cricket|cycadas|insect|bee\.|beewater|wasp|duck|chicken|goat|camel|elephant|lion|"
                r"dragon|yeti_roar|mounted|bats?\d|gull|bull_|snake|donkey|/ox_)"),
    ("wind_rain_water", r"(wind(?!ow|mill)|(^|[/_-])rain|water|river|wave|coast|(^|[/_])sea|ocean|thunder|storm|snow|splash|"
                        r"bubble|bubles|drip|droplet|creek|lava|inh2o|h2o|vapour|steam|sizzle|fizz|"
                        r"lightning|waterfall|cool_lava)"),
    ("traffic_engine", r"(engine|motor|car_|kart|truck|train|locomotive|jet|prop|turbine|turbo|rotor|"
                       r"helicopter|exhaust|starter|cranking|tire|rumble|rattle|plane|airplane|ship|"
                       r"boat|tread|hover|spaceship|distant_cars|catapult_walk|nitro|skid|r-1535|p51d|"
                       r"ufo|accel|revup|blade_vortex|squeal|wheel|cart|f1[68]_|t38|cessna|apache)"),
    ("fan_machine", r"(fan\.|turbojet_fan|machine|hum\.|whine|gyro|avionics|furnace|pneumatic|electro|"
                    r"drill|blowtorch|saw|mill|forcefield|tractor_beam|generator|pump|vacuum|"
                    r"radionoise|static|flaps|eraser|paint\d|fill)"),
    ("keyboard_click", r"(click|keyclick|typewriter|keyboard|button|switch|lever|keys|scroll|trim|"
                       r"toggle|menu|(^|[/_])tick|primer|_key|turnkey|shutter|italic|line_|"
                       r"return|save|flip|mirror|stamp|select|place_node|chest_)"),
    ("kitchen_clatter", r"(glass|dish|plate|cutlery|clatter|clang|clank|clink|metal|dug_metal|dig_metal|"
                        r"chain|(^|[/_])pots?[._]|(^|[/_])cups?[._]|bottle|break|brk|crash|shatter|tool_breaks|swing|sword_|"
                        r"/attack/weapon/|knife|anvil|smith|coin|item_sounds|gathering)"),
    ("percussion", r"(drum|taiko|bongo|cymbal|snare|gong|impact|hit|hammer|thud|stomp|knock|bump|"
                   r"kick|chop|mining|lumbering|construction|woodcutting|dig|wood|bowling|"
                   r"ball_bounce|trampoline|whipcrack|baseballbat|strike|wall01|brick)"),
]
CAT_RULES = [(c, re.compile(r)) for c, r in CAT_RULES]
# Per package and category at most this many files (chosen by SHA-1 order) so that no pack of
# near-identical one-shots dominates; music is capped harder.
CAP_PER_PKG_CAT = 40
CAP_MUSIC = 4
MAX_SEC_MUSIC = 30.0  # music tracks are long and plentiful: keep 30 s of each


def rel_short(pkg, rel):
    """Path below the common prefix of the package's sound folders (unique within the package)."""
    ds = PKG_DIRS.get(pkg, [])
    pre = os.path.commonpath(ds) + "/" if len(ds) > 1 else (ds[0] if ds else "")
    return rel[len(pre):] if rel.startswith(pre) else rel


def noise_category(pkg, rel):
    """Category of one file, or None when it is not used."""
    if not any(rel.startswith(d) for d in PKG_DIRS[pkg]):
        return None
    low = "/" + rel.lower()
    if EXCLUDE_ALL.search(low) or (pkg in EXCLUDE_PKG and EXCLUDE_PKG[pkg].search(low)):
        return None
    short = "/" + rel_short(pkg, rel).lower()
    if "/music/" in low or "stdmusic" in low:
        return "music"
    for cat, rx in PKG_RULES.get(pkg, []) + CAT_RULES:
        if rx.search(short):
            return cat
    return "other"


# ---------------------------------------------------------------------------------------------
# EVALUATION-ONLY real-noise test bank (stage "testnoise"): reserved packages, unpacked into
# DATA/debs/eval/x/<package>/ and written to DATA/material/noise_test/<category>/.  Never mixed
# into training or dev material (the training stages refuse these package names).
# ---------------------------------------------------------------------------------------------
TEST_PKGS = {
    "lmms-common": "mixed:GPL-2+ (samples)",
    "wesnoth-1.16-data": "GPL-2+",
    "wesnoth-1.16-music": "GPL-2+",
}
TEST_DIRS = {
    "lmms-common": ["usr/share/lmms/samples/"],
    "wesnoth-1.16-data": ["usr/share/games/wesnoth/1.16/data/core/sounds/", "usr/share/games/wesnoth/1.16/sounds/"],
    "wesnoth-1.16-music": ["usr/share/games/wesnoth/1.16/data/core/music/"],
}
# voices / vocal cries, pure synth test tones and choirs are not used
TEST_EXCLUDE = re.compile(r"(-die|(human|dwarf|elf|orc|goblin|troll|ogre|lich|naga|mermaid|mermen|"
                          r"skeleton|zombie|yeti|wose|drake|gryphon|ghoul|tusker)[-a-z]*-(hit|attack|die|shriek)|"
                          r"laugh|groan|ugg\.|wail|hiss|breath|chorus|choir|/waveforms/|/shapes/|"
                          r"/chat-|undefined)")
TEST_RULES = [
    ("applause", r"(applause|raving_crowd)"),
    ("music", r"(/music/|/beats/|/bassloops/|/latin/|/instruments/|/stringsnpads/|/basses/|fanfare)"),
    ("percussion", r"(/drums/|wardrums|/misc/hit|snaph|clap\d)"),
    ("animals", r"(birds|morning|night\.|wolf|horse|bat-|bite|claws|pincers|tail\.)"),
    ("alarm_bell", r"(horn-signals|bell|timer|dong|metronome|gamestart|arrive|electric_ping|wind_chimes)"),
    ("keyboard_click", r"(button|checkbox|slider|select|contract|expand|join|leave|receive)"),
    ("kitchen_clatter", r"(sword|knife|mace|dagger|axe|hatchet|open-chest|gold|potion|club|flail|spear|staff)"),
    ("wind_rain_water", r"(water|ink|mud)"),
    ("traffic_engine", r"(ship\.|rumble|cave-in)"),
]
TEST_RULES = [(c, re.compile(r)) for c, r in TEST_RULES]


def eval_root(data, pkg):
    return os.path.join(data, "debs", "eval", "x", pkg)


def test_rel_short(pkg, rel):
    for d in TEST_DIRS[pkg]:
        if rel.startswith(d):
            return rel[len(d):]
    return rel


def test_category(pkg, rel):
    if not any(rel.startswith(d) for d in TEST_DIRS[pkg]):
        return None
    low = "/" + rel.lower()
    if TEST_EXCLUDE.search(low):
        return None
    for cat, rx in TEST_RULES:
        if rx.search(low):
            return cat
    return "other"


def stage_testnoise(data, dry=False):
    fetch_unpacked(os.path.join(data, "debs", "eval"), TEST_PKGS, lambda p: eval_root(data, p))
    stage_noise(data, out_prefix="noise", pkgs=TEST_PKGS, prov_name="noise_test_provenance.csv",
                dev_mod=0, cap=40, cap_music=8, dry=dry, kind="test")


# ---------------------------------------------------------------------------------------------
# VALIDATION bank (stage "validnoise"): packages in neither the training bank nor the test bank,
# so that a validation set built from them is held out BY PACKAGE, as the test set is (a dev set
# of held-out files of the training packages once ranked two models the wrong way round). Unpacked
# into DATA/debs/valid/x/<package>/, written to DATA/material/noise_valid/<category>/. Never trained on.
# ---------------------------------------------------------------------------------------------
VALID_PKGS = {
    "aisleriot": "GPL-3+",
    "boswars-data": "mixed:GPL-2+/BSD-3-clause/Expat",
    "chromium-bsu-data": "mixed:Clarified-Artistic/Expat",
    "fillets-ng-data": "GPL-2+",
    "freedink-data": "mixed:GPL-3+/GPL-2",
    "frozen-bubble-data": "GPL-2",
    "gnome-nibbles": "mixed:CC-BY-SA-3.0/GPL-3+",
    "oxygen-sounds": "LGPL-3.0+",
    "powermanga-data": "mixed:GPL-3+/GPL-2+",
    "ri-li-data": "mixed:GPL-2/GPL-3",
    "tecnoballz-data": "GPL-3+",
    "tuxtype-data": "GPL-2",
    "tuxpaint-stamps-default": "GPL-2",
}
# Voices are not noise: spoken unit replies and tutorial narration (boswars keeps only its effects),
# fillets' English dialogue (its keyboard recordings stay), grunts, screams, "excuse me", "noh".
VALID_KEEP = {"boswars-data": re.compile(r"(_action|_attack|_die|\.die|/sfx_|_hit)[^/]*$"),
              "fillets-ng-data": re.compile(r"(/music/|/sound/share/|/linux/en/(key|enter|space)\d*\.)"),
              # the stamps' effects, not their spoken descriptions (*_desc*.ogg: validation speech),
              # nor the spoken letters, numbers and faces under symbols/ and seasonal/
              "tuxpaint-stamps-default": re.compile(r"^(?!.*_desc).*/stamps/(animals|household|hobbies|town|"
                                                    r"vehicles|nature)/")}
VALID_EXCLUDE = re.compile(r"(grunt|scream|nono|excuseme|/noh\.|snore|chatted|/intro\.wav|/roadsigns/|/flags/)")
VALID_RULES = [
    ("percussion", r"/stamps/hobbies/music/percussion/"),
    ("traffic_engine", r"/stamps/vehicles/"),
    ("music", r"(/music/|zik|music_|/freedink-data/.*/\d+\.ogg|denube|lovin|raindrops|chiptune|tuxi\.ogg)"),
    ("applause", r"(applause|cheer)"),
    ("alarm_bell", r"(oxygen-sys|oxygen-im|oxygen-k3b|alarm)"),
    ("keyboard_click", r"(/linux/en/|typewriter|click|clic\.|slide|oxygen-window|select_option|menu_)"),
    ("wind_rain_water", r"(bubles|splash)"),
    ("animals", r"(bird|/stamps/animals/)"),
    ("kitchen_clatter", r"/stamps/household/"),
]
VALID_RULES = [(c, re.compile(r)) for c, r in VALID_RULES]


TPS = "usr/share/tuxpaint/stamps/"
# Languages whose spoken stamp descriptions are the validation speech: the ones with >= 600 files
# (one reader each, presumably; none of these voices is in the training speech).
TPS_LANGS = ("be", "bg", "ca", "el", "es", "fr", "ro", "ru")


def _tuxpaint_desc_select(rel):
    m = re.match(re.escape(TPS) + r".+_desc_([a-z]+)\.ogg$", rel)
    if not m or m.group(1) not in TPS_LANGS:
        return None
    return f"tuxpaint_{m.group(1)}", f"tuxpaint-stamps {m.group(1)}"


VALID_SPEECH_PKGS = {
    "tuxpaint-stamps-default": dict(licence="GPL-2", dev_mod=None, select=_tuxpaint_desc_select,
                                    strip=lambda r: r[len(TPS):], gate_db=25.0),
}


def valid_root(data, pkg):
    return os.path.join(data, "debs", "valid", "x", pkg)


def valid_category(pkg, rel):
    low = f"/{pkg}/{rel}".lower()
    keep = VALID_KEEP.get(pkg)
    if (keep and not keep.search(low)) or VALID_EXCLUDE.search(low):
        return None
    for cat, rx in VALID_RULES:
        if rx.search(low):
            return cat
    return "other"  # effects: explosions, weapons, impacts, engines, game jingles


def stage_validnoise(data, dry=False):
    assert not set(VALID_PKGS) & (set(NOISE_PKGS) | set(SPEECH_PKGS) | set(TEST_PKGS))
    assert set(VALID_SPEECH_PKGS) <= set(VALID_PKGS)
    fetch_unpacked(os.path.join(data, "debs", "valid"), VALID_PKGS, lambda p: valid_root(data, p))
    if not dry:
        stage_speech(data, kind="valid")
    stage_noise(data, out_prefix="noise", pkgs=VALID_PKGS, prov_name="noise_valid_provenance.csv",
                dev_mod=0, cap=40, cap_music=8, dry=dry, kind="valid")


# ---------------------------------------------------------------------------------------------
def fetch_unpacked(debs, pkgs, root_of):
    """apt-get download into `debs` the packages not there yet, and unpack each into root_of(package)
    unless that folder exists."""
    os.makedirs(debs, exist_ok=True)
    have = {f.split("_")[0] for f in os.listdir(debs) if f.endswith(".deb")}
    need = [p for p in pkgs if p not in have]
    if need:
        sh(["apt-get", "download"] + need, cwd=debs)
    for p in pkgs:
        if not os.path.isdir(root_of(p)):
            unpack(debs, p, root_of(p))


def unpack(debs, package, dst):
    """dpkg -x the newest .deb of `package` in `debs` into `dst` (via dst.tmp: an interrupted run
    leaves no half tree under the final name)."""
    deb = sorted(f for f in os.listdir(debs) if f.startswith(package + "_") and f.endswith(".deb"))[-1]
    os.makedirs(os.path.dirname(dst), exist_ok=True)  # dpkg -x makes only the last level
    sh(["nice", "-n", "5", "dpkg", "-x", os.path.join(debs, deb), dst + ".tmp"])
    os.rename(dst + ".tmp", dst)


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def sanitise(rel):
    s = re.sub(r"\.[A-Za-z0-9]+$", "", rel)
    s = re.sub(r"[^A-Za-z0-9._-]+", "_", s.replace("/", "__"))
    return s[:150]


def split_of(pkg, rel, dev_mod):
    h = int(hashlib.sha1(f"{pkg}/{rel}".encode()).hexdigest()[:8], 16)
    return "dev" if h % dev_mod == 0 else "train"


def decode(path, fmt=None):
    """ffmpeg -> float32 mono 16 kHz numpy array."""
    cmd = ["ffmpeg", "-v", "error", "-nostdin"]
    if fmt:
        cmd += ["-f", fmt]
    cmd += ["-i", path, "-map", "0:a:0", "-ac", "1", "-ar", str(SR), "-f", "f32le", "-"]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        return None
    return np.frombuffer(r.stdout, dtype="<f4").astype(np.float64)


def activity(x, thr_db=-50.0):
    """Seconds of 20 ms frames above thr_db (dBFS RMS), overall RMS dBFS."""
    n = SR // 50
    m = len(x) // n
    if m == 0:
        return 0.0, -200.0
    fr = x[: m * n].reshape(m, n)
    rms = 10 * np.log10(np.mean(fr ** 2, axis=1) + 1e-20)
    return float(np.sum(rms > thr_db)) * n / SR, float(10 * np.log10(np.mean(x ** 2) + 1e-20))


def dyn_range(x):
    """p95 - p5 of 20 ms frame energies (dB): low values = audible noise/music bed under speech."""
    n = SR // 50
    m = len(x) // n
    if m < 5:
        return 0.0
    e = 10 * np.log10(np.mean(x[: m * n].reshape(m, n) ** 2, axis=1) + 1e-12)
    return float(np.percentile(e, 95) - np.percentile(e, 5))


def excerpt(x, max_sec=MAX_SEC):
    """Middle max_sec seconds of x."""
    L = int(max_sec * SR)
    if len(x) <= L:
        return x
    s = (len(x) - L) // 2
    return x[s: s + L]


def write_wav(path, x):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    peak = np.max(np.abs(x)) if len(x) else 0.0
    if peak > 0.999:  # decoders may overshoot slightly; never clip
        x = x * (0.999 / peak)
    sf.write(path, x, SR, subtype="PCM_16")


def pkg_root(data, pkg):
    return os.path.join(data, "debs", "x", pkg)


def list_audio(root):
    if not os.path.isdir(root):
        raise SystemExit(f"{root}: not unpacked (for the training material, run --stage download "
                         "and --stage extract first); nothing was changed")
    out = []
    for d, _, fs in os.walk(root):
        for f in fs:
            if f.lower().endswith(AUDIO_EXT) or f.lower().endswith(".g722"):
                p = os.path.join(d, f)
                if os.path.isfile(p) and not os.path.islink(p):
                    out.append(os.path.relpath(p, root))
                elif os.path.islink(p) and os.path.isfile(p):
                    pass  # symlinks duplicate real files; skip
    return sorted(out)


# ---------------------------------------------------------------------------------------------
def all_packages():
    return sorted(set(NOISE_PKGS) | set(SPEECH_PKGS))


def stage_download(data):
    debs = os.path.join(data, "debs")
    os.makedirs(debs, exist_ok=True)
    pkgs = all_packages()
    for p in pkgs:
        assert not RESERVED.match(p), p
    have = {f.split("_")[0] for f in os.listdir(debs) if f.endswith(".deb")}
    need = [p for p in pkgs if p not in have]
    if need:
        sh(["apt-get", "download"] + need, cwd=debs)


def stage_extract(data):
    debs = os.path.join(data, "debs")
    for p in all_packages():
        dst = pkg_root(data, p)
        if os.path.isdir(dst):
            continue
        unpack(debs, p, dst)
    for p, (zpath, pattern) in ZIP_AUDIO.items():
        z = os.path.join(pkg_root(data, p), zpath)
        zd = z + ".d"
        if not os.path.isdir(zd):
            sh(["nice", "-n", "5", "unzip", "-q", "-o", z, pattern, "-d", zd + ".tmp"])
            os.rename(zd + ".tmp", zd)


def process(job):
    """job: dict(pkg, rel, src, fmt, out, cat) -> row dict or None (with reason)."""
    max_sec = job.get("max_sec", MAX_SEC)
    if os.path.exists(job["out"]) and os.path.getmtime(job["out"]) >= os.path.getmtime(job["src"]):
        n = sf.info(job["out"]).frames
        if n <= int(max_sec * SR):
            return dict(job, seconds=round(n / SR, 3)), "ok"  # already built
    x = decode(job["src"], job.get("fmt"))
    if x is None or len(x) < MIN_SEC * SR:
        return None, "short_or_undecodable"
    act, rms = activity(x)
    if act < job.get("min_active", MIN_SEC) or rms < -55.0:
        return None, "near_silent"
    if job.get("gate_db") and dyn_range(x) < job["gate_db"]:
        return None, "noisy_floor"
    x = excerpt(x, max_sec)
    write_wav(job["out"], x)
    return dict(job, seconds=round(len(x) / SR, 3)), "ok"


def run_jobs(jobs, workers=2):
    rows, skipped = [], {}
    with ThreadPoolExecutor(workers) as ex:
        for job, (row, why) in zip(jobs, ex.map(process, jobs)):
            if row is None:
                skipped[why] = skipped.get(why, 0) + 1
            else:
                rows.append(row)
    if not rows:  # before remove_stale and the provenance table: a failed run must not empty them
        raise SystemExit(f"no file was converted (skipped: {skipped}); is ffmpeg installed? "
                         "nothing was changed")
    return rows, skipped


def remove_stale(mat, subdirs, rows):
    """Delete outputs of earlier runs that the current selection no longer produces."""
    keep = {os.path.abspath(r["out"]) for r in rows}
    for sd in subdirs:
        for d, _, fs in os.walk(os.path.join(mat, sd)):
            for f in fs:
                p = os.path.abspath(os.path.join(d, f))
                if f.endswith(".wav") and p not in keep:
                    os.remove(p)


def stage_speech(data, only=None, kind="train"):
    """kind "train": the training speech and its dev split; "valid": the validation voices."""
    mat = os.path.join(data, "material")
    pkgs, root_of = (SPEECH_PKGS, pkg_root) if kind == "train" else (VALID_SPEECH_PKGS, valid_root)
    jobs = []
    for pkg, spec in pkgs.items():
        if only and pkg not in only:
            continue
        root = root_of(data, pkg)
        for rel in list_audio(root):
            sel = spec["select"](rel)
            if sel is None:
                continue
            setname, voice = sel
            split = split_of(pkg, rel, spec["dev_mod"]) if kind == "train" else kind
            base = f"{pkg}__{sanitise(spec['strip'](rel))}.wav"
            out = os.path.join(mat, f"speech_{split}", setname, base)
            jobs.append(dict(pkg=pkg, rel=rel, src=os.path.join(root, rel), fmt=spec.get("fmt"),
                             out=out, voice=voice, split=split, licence=spec["licence"],
                             gate_db=spec.get("gate_db"), min_active=0.25))
    rows, skipped = run_jobs(jobs)
    remove_stale(mat, ["speech_train", "speech_dev"] if kind == "train" else [f"speech_{kind}"], rows)
    print("speech:", len(rows), "files", round(sum(r["seconds"] for r in rows) / 60, 1), "min; skipped", skipped)
    prov = "speech_provenance.csv" if kind == "train" else f"speech_{kind}_provenance.csv"
    write_table(os.path.join(HERE, prov), ["package", "path", "licence", "speaker_or_voice", "seconds", "split"],
                [[r["pkg"], "/" + r["rel"], r["licence"], r["voice"], r["seconds"], r["split"]]
                 for r in sorted(rows, key=lambda r: (r["pkg"], r["rel"]))], prov)


def dedupe(jobs):
    """Drop byte-identical copies (games ship the same file under several paths); first path wins."""
    seen, out = set(), []
    for j in sorted(jobs, key=lambda j: (j["pkg"], j["rel"])):
        with open(j["src"], "rb") as f:
            h = hashlib.sha1(f.read()).hexdigest()
        if h not in seen:
            seen.add(h)
            out.append(j)
    return out


def cap_jobs(jobs, cap, cap_music):
    """Keep at most `cap` files per (package, category), chosen by SHA-1 of the path."""
    groups = {}
    for j in jobs:
        groups.setdefault((j["pkg"], j["cat"]), []).append(j)
    keep = []
    for (pkg, cat), js in sorted(groups.items()):
        js.sort(key=lambda j: hashlib.sha1(("cap/" + j["rel"]).encode()).hexdigest())
        keep += js[: (cap_music if cat == "music" else cap)]
    return sorted(keep, key=lambda j: (j["pkg"], j["rel"]))


def stage_noise(data, out_prefix="noise", pkgs=None, prov_name="noise_provenance.csv", dev_mod=10,
                cap=None, cap_music=None, dry=False, kind="train"):
    """kind: "train" (the training bank and its dev split), "test" (reserved packages) or
    "valid" (the validation bank): the split written is train/dev, test or valid."""
    cap = cap or CAP_PER_PKG_CAT
    cap_music = cap_music or CAP_MUSIC
    mat = os.path.join(data, "material")
    pkgs = pkgs or NOISE_PKGS
    for p in pkgs:
        assert bool(RESERVED.match(p)) == (kind == "test"), f"{p}: reserved/eval mismatch"
        assert (p in VALID_PKGS) == (kind == "valid"), f"{p}: validation/other mismatch"
    categorise = {"train": noise_category, "test": test_category, "valid": valid_category}[kind]
    shorten = {"train": rel_short, "test": test_rel_short, "valid": lambda pkg, rel: rel}[kind]
    root_of = {"train": pkg_root, "test": eval_root, "valid": valid_root}[kind]
    jobs = []
    for pkg, lic in sorted(pkgs.items()):
        root = root_of(data, pkg)
        for rel in list_audio(root):
            cat = categorise(pkg, rel)
            if cat is None:
                continue
            assert cat in CATEGORIES, (pkg, rel, cat)
            split = split_of(pkg, rel, dev_mod) if kind == "train" else kind
            base = f"{pkg}__{sanitise(shorten(pkg, rel))}.wav"
            out = os.path.join(mat, f"{out_prefix}_{split}", cat, base)
            jobs.append(dict(pkg=pkg, rel=rel, src=os.path.join(root, rel), out=out, cat=cat,
                             split=split, licence=lic,
                             max_sec=MAX_SEC_MUSIC if cat == "music" else MAX_SEC))
    jobs = cap_jobs(dedupe(jobs), cap, cap_music)
    stems = [os.path.basename(j["out"]) for j in jobs]
    for j in jobs:  # same stem, different extension (grow.ogg / grow.wav): keep the extension
        if stems.count(os.path.basename(j["out"])) > 1:
            j["out"] = j["out"][:-4] + "_" + j["rel"].rsplit(".", 1)[-1].lower() + ".wav"
    outs = [os.path.basename(j["out"]) for j in jobs]
    dup = sorted({o for o in outs if outs.count(o) > 1})
    assert not dup, f"output name collision: {dup[:5]}"
    if dev_mod:  # every category with >= 5 files gets at least one dev file (lowest SHA-1)
        for cat in CATEGORIES:
            cj = [j for j in jobs if j["cat"] == cat]
            if len(cj) >= 5 and not any(j["split"] == "dev" for j in cj):
                j = min(cj, key=lambda j: hashlib.sha1(f"{j['pkg']}/{j['rel']}".encode()).hexdigest())
                j["split"] = "dev"
                j["out"] = j["out"].replace(f"{os.sep}{out_prefix}_train{os.sep}", f"{os.sep}{out_prefix}_dev{os.sep}")
    if dry:
        for j in jobs:
            print(j["cat"], j["split"], j["pkg"], j["rel"], sep="\t")
        return
    rows, skipped = run_jobs(jobs)
    remove_stale(mat, [f"{out_prefix}_{kind}"] if kind != "train" else [f"{out_prefix}_train", f"{out_prefix}_dev"], rows)
    print(out_prefix, ":", len(rows), "files", round(sum(r["seconds"] for r in rows) / 60, 1),
          "min; skipped", skipped)
    write_table(os.path.join(HERE, prov_name), ["package", "path", "licence", "category", "seconds", "split"],
                [[r["pkg"], "/" + r["rel"], r["licence"], r["cat"], r["seconds"], r["split"]]
                 for r in sorted(rows, key=lambda r: (r["pkg"], r["rel"]))], prov_name)


def summary():
    """Markdown totals (minutes / files) per category and split, from the provenance tables."""
    import collections
    for name, key in (("noise_provenance.csv", "category"), ("noise_test_provenance.csv", "category"),
                      ("noise_valid_provenance.csv", "category"), ("speech_provenance.csv", "speaker_or_voice"),
                      ("speech_valid_provenance.csv", "speaker_or_voice")):
        path = os.path.join(HERE, name)
        if not os.path.exists(path):
            continue
        rows = list(csv.DictReader(open(path)))
        if key == "speaker_or_voice":
            for r in rows:
                r[key] = r["package"]
        t = collections.defaultdict(lambda: [0, 0.0])
        splits = sorted({r["split"] for r in rows}, key=lambda x: ["train", "dev", "valid", "test"].index(x))
        for r in rows:
            t[(r[key], r["split"])][0] += 1
            t[(r[key], r["split"])][1] += float(r["seconds"])
        print(f"\n{name}:\n")
        print("| " + key + " | " + " | ".join(f"{sp} min | {sp} files" for sp in splits) + " |")
        print("|---|" + "---|---|" * len(splits))
        for k in sorted({k for k, _ in t}) + ["TOTAL"]:
            cells = []
            for sp in splits:
                if k == "TOTAL":
                    n = sum(v[0] for (kk, ss), v in t.items() if ss == sp)
                    sec = sum(v[1] for (kk, ss), v in t.items() if ss == sp)
                else:
                    n, sec = t[(k, sp)]
                cells.append(f"{sec / 60:.1f} | {n}")
            print(f"| {k} | " + " | ".join(cells) + " |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/work/data")
    ap.add_argument("--stage", default="all", choices=["all", "download", "extract", "speech", "noise", "summary", "testnoise", "validnoise"])
    ap.add_argument("--dry", action="store_true", help="noise stage: only list the selection")
    a = ap.parse_args()
    st = a.stage
    if st in ("all", "download"):
        stage_download(a.data)
    if st in ("all", "extract"):
        stage_extract(a.data)
    if st in ("all", "speech"):
        stage_speech(a.data)
    if st in ("all", "noise"):
        stage_noise(a.data, dry=a.dry)
    if st == "testnoise":  # evaluation-only bank, not part of "all"
        stage_testnoise(a.data, dry=a.dry)
    if st == "validnoise":  # validation-only bank, not part of "all"
        stage_validnoise(a.data, dry=a.dry)
    if st in ("all", "summary"):
        summary()


if __name__ == "__main__":
    main()
