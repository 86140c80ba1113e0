"""A seeded generator of synthetic digest articles for the benchmark.

Article i depends only on (seed, i), so the first 1,000 articles of a
10,000-article corpus are the 1,000-article corpus. The shape follows what
a digest holds: a headline, an offset date, 2–4 tags from a few hundred,
a summary, a curated source, ~900 words of paragraphs with links and
emphasis, a sub-heading or two, a list, and a code block in one article
of five. Standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

PLACES = [
    "Nairobi",
    "Lagos",
    "Jakarta",
    "Manila",
    "Lima",
    "Bogotá",
    "Tbilisi",
    "Almaty",
    "Hanoi",
    "Accra",
    "Dakar",
    "Quito",
    "Riga",
    "Tallinn",
    "Oslo",
    "Lisbon",
    "Porto",
    "Kraków",
    "Gdańsk",
    "Busan",
    "Osaka",
    "Chennai",
    "Pune",
    "Karachi",
    "Dhaka",
    "Colombo",
    "Muscat",
    "Doha",
    "Amman",
    "Tunis",
    "Rabat",
    "Luanda",
    "Maputo",
    "Harare",
    "Kigali",
    "Kampala",
    "Addis Ababa",
    "Khartoum",
    "Reykjavík",
    "Tromsø",
]
ACTORS = [
    "ministers",
    "regulators",
    "the central bank",
    "port workers",
    "farmers",
    "the coalition",
    "opposition leaders",
    "city officials",
    "grid operators",
    "economists",
    "the court",
    "trade negotiators",
    "analysts",
    "shipping firms",
]
VERBS = [
    "approved",
    "delayed",
    "questioned",
    "expanded",
    "revised",
    "defended",
    "blocked",
    "welcomed",
    "postponed",
    "tightened",
    "relaxed",
    "extended",
]
THINGS = [
    "the fuel subsidy",
    "a port expansion",
    "the water treaty",
    "new tariffs",
    "a grid upgrade",
    "the budget",
    "a data rule",
    "the fishing quota",
    "an election law",
    "the rail link",
    "a mining licence",
    "the aid package",
]
TOPICS = [
    "energy",
    "trade",
    "climate",
    "elections",
    "shipping",
    "agriculture",
    "mining",
    "transport",
    "housing",
    "health",
    "water",
    "fisheries",
    "labour",
    "banking",
    "technology",
    "tourism",
    "defence",
    "migration",
    "education",
    "telecoms",
]
OUTLETS = [
    ("The Coastal Ledger", "coastal-ledger.example.org"),
    ("Morning Dispatch", "morningdispatch.example.com"),
    ("Le Quotidien du Sud", "quotidien-sud.example.fr"),
    ("Northern Observer", "northernobserver.example.net"),
    ("Diario del Pacífico", "diariopacifico.example.pe"),
    ("Harbour Times", "harbourtimes.example.co.uk"),
]
NAMES = [
    "Amara Okafor",
    "Lena Sørensen",
    "Tomás Ruiz",
    "Mei Tanaka",
    "Yusuf Demir",
    "Ana Kowalska",
    "Kofi Mensah",
    "Inés Duarte",
    "Ravi Iyer",
    "Olga Petrova",
]


def tag_vocabulary() -> list[str]:
    """About 300 tags: topics, places, and topic-place pairs."""
    tags = [t.title() for t in TOPICS] + PLACES
    tags += [f"{p} {t}" for p in PLACES[:12] for t in TOPICS[:20]]
    return tags


def sentence(rng: random.Random) -> str:
    place, actor = rng.choice(PLACES), rng.choice(ACTORS)
    text = f"In {place}, {actor} {rng.choice(VERBS)} {rng.choice(THINGS)}"
    roll = rng.random()
    if roll < 0.08:
        text += f" after [a report](https://{rng.choice(OUTLETS)[1]}/r/{rng.randrange(99999)})"
    elif roll < 0.14:
        text += f" with *{rng.choice(['little', 'broad', 'cautious', 'sharp'])}* support"
    elif roll < 0.18:
        text += f", a shift of {rng.randrange(2, 90)}% on the year"
    return text + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(4, 7)))


CODE = """```python
import csv

with open("{name}.csv") as handle:
    rows = [r for r in csv.DictReader(handle) if r["rate"]]
print(sum(float(r["rate"]) for r in rows) / len(rows))
```"""


def article(seed: int, i: int, tags: list[str]) -> tuple[str, str]:
    """(file name, text) of article i."""
    rng = random.Random(seed * 1_000_003 + i)
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    when = start + dt.timedelta(minutes=rng.randrange(5 * 365 * 24 * 60))
    offset = dt.timezone(dt.timedelta(hours=rng.choice([-5, 0, 1, 2, 5, 8, 10])))
    when = when.astimezone(offset)
    title = f"{rng.choice(PLACES)}: {rng.choice(ACTORS)} {rng.choice(VERBS)} {rng.choice(THINGS)}"
    title = title[0].upper() + title[1:]
    slug = f"{i:06d}-" + "-".join(title.lower().replace(":", "").split()[:6])
    slug = "".join(ch for ch in slug if ch.isascii() and (ch.isalnum() or ch == "-"))
    outlet, host = rng.choice(OUTLETS)
    chosen = rng.sample(tags, rng.randint(2, 4))
    lines = ["---", f'title: "{title}"', f"date: {when.isoformat()}", "tags:"]
    lines += [f'  - "{t}"' for t in chosen]
    lines += [
        f'summary: "{sentence(rng)}"',
        "source:",
        f'  url: "https://{host}/{when:%Y/%m/%d}/{slug}"',
        f'  name: "{outlet}"',
        f'author: "{rng.choice(NAMES)}"',
        "---",
        "",
    ]
    body: list[str] = []
    for block in range(rng.randint(7, 10)):
        if block == 3:
            body.append(f"## {rng.choice(THINGS).capitalize()} in {rng.choice(PLACES)}")
        if block == 5:
            body.append("\n".join(f"- {sentence(rng)}" for _ in range(rng.randint(3, 5))))
        body.append(paragraph(rng))
        body.append(paragraph(rng))
    if i % 5 == 0:
        body.insert(4, CODE.format(name=rng.choice(TOPICS)))
    return f"{slug}.md", "\n".join(lines) + "\n\n".join(body) + "\n"


def generate(n: int, out: Path, seed: int = 42) -> None:
    out.mkdir(parents=True, exist_ok=True)
    tags = tag_vocabulary()
    for i in range(n):
        name, text = article(seed, i, tags)
        (out / name).write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    generate(args.n, args.out, args.seed)


if __name__ == "__main__":
    main()
