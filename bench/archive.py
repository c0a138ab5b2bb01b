"""Generate a synthetic archive in our own format, for benchmarks and large-site tests.

    python bench/archive.py --articles 10000 --out /tmp/archive10k

The archive has N articles of about 600 words, each naming 3 to 6 people from a pool of
2,000 (with alias spellings used in the text), published by 200 outlets, with claims whose
quotes are sentences of the body, and about 10% reprints of earlier articles (partial,
lightly edited, credited in the front matter). Dates are mostly to the day, some to the
month, some unknown. The same seed gives the same archive, byte for byte.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import random
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SYLLABLES = ("ka", "ro", "mi", "sa", "tel", "vor", "an", "di", "lu", "pe", "gra", "zon", "bel", "ti", "ma",
             "res", "ok", "fa", "nu", "hel", "dri", "os", "quen", "ya", "bo", "lin", "ser", "ug", "chi", "wen")
COMMON = ("the", "of", "and", "to", "in", "a", "on", "for", "that", "with", "said", "was", "is", "by",
          "at", "from", "as", "it", "its", "after", "will", "not", "has", "have", "this", "would")


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts))


def _yaml_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Generator:
    def __init__(self, seed: int, actors: int = 2000, sources: int = 200, claims: int = 600):
        self.rng = random.Random(seed)
        rng = self.rng
        self.vocabulary = sorted({_word(rng, rng.choice((2, 2, 3))) for _ in range(4000)})
        self.sources = []
        names = set()
        while len(self.sources) < sources:
            name = f"{_word(rng, 2).title()} {rng.choice(('Times', 'News', 'Post', 'Wire', 'Herald', 'Daily'))}"
            if name in names:
                continue
            names.add(name)
            slug = name.lower().replace(" ", "-")
            kind = rng.choice(("newspaper", "agency", "broadcaster", "website"))
            self.sources.append((f"{slug}-{len(self.sources)}", name, f"{slug}-{len(self.sources)}.example", kind))
        self.actors = []
        full_names = set()
        while len(self.actors) < actors:
            first, last = _word(rng, 2).title(), _word(rng, rng.choice((2, 3))).title()
            if f"{first} {last}" in full_names:
                continue
            full_names.add(f"{first} {last}")
            variant = last.replace("a", "e", 1) if "a" in last else last + "h"
            self.actors.append((f"{first}-{last}-{len(self.actors)}".lower(), f"{first} {last}",
                                (last, f"{first} {variant}"), rng.choice(("minister", "spokesman", "commander",
                                                                          "analyst", "envoy", "diplomat"))))
        self.claim_ids = [f"claim-{_word(rng, 2)}-{n}" for n in range(claims)]

    def sentence(self, people: list) -> str:
        rng = self.rng
        words = [rng.choice(self.vocabulary) if rng.random() < 0.6 else rng.choice(COMMON)
                 for _ in range(rng.randint(12, 22))]
        if people and rng.random() < 0.5:
            actor = rng.choice(people)
            name = rng.choice((actor[1], actor[1], actor[2][0], actor[2][1]))
            words.insert(rng.randint(0, len(words)), name)
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def paragraphs(self, people: list, words: int = 600) -> list[str]:
        result, count = [], 0
        while count < words:
            paragraph = " ".join(self.sentence(people) for _ in range(self.rng.randint(3, 5)))
            result.append(paragraph)
            count += len(paragraph.split())
        return result

    def date(self) -> tuple[str | None, str]:
        roll = self.rng.random()
        day = _dt.date(2015, 1, 1) + _dt.timedelta(days=self.rng.randrange(6 * 365))
        if roll < 0.05:
            return None, "unknown"
        if roll < 0.15:
            return day.isoformat()[:7], "month"
        return day.isoformat(), "day"

    def write(self, out: Path, articles: int) -> None:
        rng = self.rng
        (out / "articles" / "captures").mkdir(parents=True)
        for folder in ("templates", "static"):
            shutil.copytree(REPO / folder, out / folder)
        (out / "config.yaml").write_text("title: Synthetic archive\noutput: _site\n", encoding="utf-8")
        with open(out / "articles" / "sources.yaml", "w", encoding="utf-8") as registry:
            for source_id, name, domain, kind in self.sources:
                registry.write(f"{source_id}:\n  name: {name}\n  domains: [{domain}]\n  kind: {kind}\n\n")
        with open(out / "articles" / "actors.yaml", "w", encoding="utf-8") as registry:
            for actor_id, name, aliases, role in self.actors:
                registry.write(f"{actor_id}:\n  name: {name}\n  aliases: [{', '.join(aliases)}]\n"
                               f"  role: {role}\n  affiliation: none stated\n  description: A {role}.\n\n")
        written = []  # (slug, publisher, date, paragraphs)
        for number in range(articles):
            slug = f"article-{number:06d}"
            people = rng.sample(self.actors, rng.randint(3, 6))
            date, precision = self.date()
            source = rng.choice(self.sources)
            original = None
            if written and rng.random() < 0.1:
                original = rng.choice(written[-500:])
                kept = [p for p in original[3] if rng.random() < 0.8] or original[3][:1]
                body = [self._edit(p) for p in kept] + self.paragraphs(people, 80)
                if original[2] and date and date <= original[2]:
                    date, precision = original[2], ("day" if len(original[2]) == 10 else "month")
            else:
                body = self.paragraphs(people)
            title = " ".join(rng.choice(self.vocabulary) for _ in range(rng.randint(5, 9))).capitalize()
            text = "\n\n".join(body)
            named = [a for a in people if any(n in text for n in (a[1], *a[2]))]
            claims = []
            sentences = [s.strip() + "." for p in body for s in p.split(".") if len(s.split()) > 6]
            for _ in range(rng.randint(1, 3)):
                if not named or not sentences:
                    break
                claims.append((rng.choice(self.claim_ids), rng.choice(named)[0], rng.choice(("asserts", "denies")),
                               rng.choice(sentences)))
            front = [f"title: {_yaml_text(title)}",
                     f"url: https://{source[2]}/{date or 'undated'}/{slug}",
                     f"capture: captures/{slug}.txt",
                     f"date: {date or ''}",
                     f"date_precision: {precision}",
                     "date_evidence: synthetic",
                     f"publisher: {source[0]}",
                     f"people: [{', '.join(a[0] for a in named)}]"]
            if original:
                front += ["original:", f"  source: {original[1]}", f"  article: {original[0]}",
                          "  relation: reprint", "  evidence: synthetic"]
            if claims:
                front.append("claims:")
                for claim_id, speaker, stance, quote in claims:
                    front += [f"  - id: {claim_id}", f"    speaker: {speaker}", f"    stance: {stance}",
                              f"    statement: {_yaml_text(quote[:80])}", f"    quote: {_yaml_text(quote)}"]
            (out / "articles" / "captures" / f"{slug}.txt").write_text(f"{title}\n\n{text}\n", encoding="utf-8")
            (out / "articles" / f"{slug}.md").write_text(
                "---\n" + "\n".join(front) + f"\n---\n\n# {title}\n\n{text}\n", encoding="utf-8")
            written.append((slug, source[0], date, body))

    def _edit(self, paragraph: str) -> str:
        words = paragraph.split(" ")
        for _ in range(max(1, len(words) // 30)):
            position = self.rng.randrange(len(words))
            if not words[position].endswith(".") and words[position][:1].islower():
                words[position] = self.rng.choice(self.vocabulary)
        return " ".join(words)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.out.exists():
        print(f"{args.out} exists; choose a new folder", file=sys.stderr)
        return 1
    Generator(args.seed).write(args.out, args.articles)
    print(f"wrote {args.articles} articles to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
