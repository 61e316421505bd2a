"""Deterministic, varied English sentence generator (word lists + templates) for TTS corpora."""
import random

NOUNS = ("house car river teacher window garden letter machine doctor city morning kitchen problem "
         "answer question friend market ticket picture station bottle island engine forest mountain "
         "student village bridge computer telephone number paper message meeting weekend library "
         "hospital airport coffee dinner family brother sister father mother neighbour customer "
         "driver farmer painter soldier captain engineer musician reporter stranger visitor child "
         "dog horse bird cat table chair door wall floor roof street corner park beach harbour ship "
         "train plane bicycle road map book story song movie game plan idea reason result report "
         "budget price company office factory shop bank school college lesson language history "
         "weather storm winter summer autumn spring evening night minute hour year century").split()
ADJS = ("old new small large quiet loud bright dark cold warm early late happy tired busy empty "
        "heavy light strange simple careful famous local broken clean dirty green red blue yellow "
        "quick slow young gentle serious little narrow wide friendly nervous honest curious "
        "ancient modern distant nearby expensive cheap difficult easy important").split()
VERBS_PAST = ("opened closed found lost painted visited repaired watched carried moved cleaned "
              "bought sold built crossed followed noticed checked described explained remembered "
              "forgot ordered delivered signed returned borrowed discovered measured counted").split()
VERBS_BASE = ("open close find bring paint visit repair watch carry move clean buy sell build "
              "cross follow notice check describe explain remember order deliver sign return "
              "borrow discover measure count call ask tell leave meet help send").split()
NAMES = ("Anna Peter Maria John Sarah David Laura Michael Emma James Olivia Robert Sophie Thomas "
         "Grace Daniel Helen Mark Julia Steven Alice Frank Nora Victor Irene Oscar Paula Henry").split()
PLACES = ("London Paris Boston Denver Madrid Chicago Dublin Seattle Lisbon Vienna Oslo Toronto "
          "Sydney Berlin Prague Austin Miami Geneva Naples Dallas").split()
ADVS = "quickly slowly carefully quietly suddenly finally again yesterday today tomorrow soon later".split()
TIMES = ("at noon", "in the morning", "after lunch", "before dinner", "last night", "on Monday",
         "on Friday evening", "next week", "every day", "twice a year", "in a few minutes")
ONES = "zero one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty".split()


def _np(r):
    a = r.choice(("the", "a", "the", "my", "our", "that", "this", "every", "her", "his"))
    if r.random() < 0.6:
        return f"{a} {r.choice(ADJS)} {r.choice(NOUNS)}"
    return f"{a} {r.choice(NOUNS)}"


def _num(r):
    if r.random() < 0.5:
        return r.choice(ONES)
    return str(r.randint(2, 9999))


TEMPLATES = [
    lambda r: f"{r.choice(NAMES)} {r.choice(VERBS_PAST)} {_np(r)} {r.choice(TIMES)}.",
    lambda r: f"{_np(r).capitalize()} was {r.choice(ADJS)} and {r.choice(ADJS)}.",
    lambda r: f"Did you {r.choice(VERBS_BASE)} {_np(r)} {r.choice(TIMES)}?",
    lambda r: f"Please {r.choice(VERBS_BASE)} {_np(r)} {r.choice(ADVS)}.",
    lambda r: f"We need {_num(r)} {r.choice(NOUNS)}s for {_np(r)} in {r.choice(PLACES)}.",
    lambda r: f"The train to {r.choice(PLACES)} leaves at {r.randint(1, 12)} {r.choice(('fifteen', 'thirty', 'forty five', 'oh five'))}.",
    lambda r: f"{r.choice(NAMES)} said that {_np(r)} {r.choice(VERBS_PAST)} {_np(r)}.",
    lambda r: f"Why is {_np(r)} so {r.choice(ADJS)} {r.choice(TIMES)}?",
    lambda r: f"If {_np(r)} is {r.choice(ADJS)}, {r.choice(VERBS_BASE)} {_np(r)} first.",
    lambda r: f"My number is {' '.join(r.choice(ONES[:10]) for _ in range(r.randint(4, 8)))}.",
    lambda r: f"{r.choice(NAMES)} and {r.choice(NAMES)} {r.choice(VERBS_PAST)} {_np(r)} near {_np(r)}.",
    lambda r: f"It costs {r.randint(2, 500)} dollars and {r.randint(1, 99)} cents.",
    lambda r: f"After {_np(r)} {r.choice(VERBS_PAST)} {_np(r)}, nobody {r.choice(VERBS_PAST)} {_np(r)} {r.choice(ADVS)}.",
    lambda r: f"Turn {r.choice(('left', 'right'))} at {_np(r)} and walk {_num(r)} blocks.",
    lambda r: f"{r.choice(('Yes', 'No', 'Well', 'Okay', 'Honestly', 'Look'))}, {_np(r)} {r.choice(VERBS_PAST)} {_np(r)}.",
]


def sentence(r):
    s = r.choice(TEMPLATES)(r)
    if r.random() < 0.35:
        s += " " + r.choice(TEMPLATES)(r)
    return s


def sentences(seed, n):
    r = random.Random(seed)
    return [sentence(r) for _ in range(n)]


if __name__ == "__main__":
    for s in sentences(0, 10):
        print(s)
