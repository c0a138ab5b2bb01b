"""A saved page's fields for the article file: what the HTML states first (JSON-LD, meta tags,
headings, trafilatura's reading of the markup), the text extractors (extract/) for the rest.

The body is the article's blocks as trafilatura finds them in the markup, each taken back from
the page's own text (so every paragraph can be found in the capture, word for word); when the
page's JSON-LD carries an `articleBody` whose words the page shows, blocks outside it are left
out. People, claims, credits and the original are read from that body by the text extractors,
exactly as for a text capture; title, date and outlet fall back to them when the HTML is silent.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from .. import extract as ex
from ..extract.outlet import guess_kind, host_of, resolve_outlet, source_for_domain, unique_id
from ..extract.prose import compact, slugify
from .html import fold
from .records import CapturedPage

_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
                  "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "webpage", "report",
                  "socialmediaposting", "liveblogposting", "scholarlyarticle", "techarticle", "posting"}


# --- the page's text, folded, with its lines --------------------------------------------------

class FoldedText:
    """The page's text with whitespace folded, and which line each folded character came from."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        pieces, self.starts, self.numbers = [], [], []
        at = 0
        for number, line in enumerate(self.lines, 1):
            folded = fold(line)
            if not folded:
                continue
            self.starts.append(at)
            self.numbers.append(number)
            pieces.append(folded)
            at += len(folded) + 1
        self.text = " ".join(pieces)

    def line_at(self, offset: int) -> int:
        return self.numbers[max(0, bisect.bisect_right(self.starts, offset) - 1)] if self.numbers else 1

    def find(self, block: str, start: int = 0) -> tuple[int, int] | None:
        """Where the page shows `block` (folded): verbatim, or from its first words to its last
        when an extractor dropped or changed words inside it (a link, a footnote mark)."""
        wanted = fold(block)
        if not wanted:
            return None
        for begin in (start, 0):
            at = self.text.find(wanted, begin)
            if at >= 0:
                return at, at + len(wanted)
        words = wanted.split(" ")
        if len(words) < 8:
            return None
        head, tail = " ".join(words[:6]), " ".join(words[-6:])
        for begin in (start, 0):
            at = self.text.find(head, begin)
            if at < 0:
                continue
            end = self.text.find(tail, at + len(head))
            if end >= 0 and (end + len(tail) - at) <= 1.5 * len(wanted) + 200:
                return at, end + len(tail)
        return None


# --- JSON-LD ----------------------------------------------------------------------------------

def _types(item: dict) -> set[str]:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower() for k in kinds if isinstance(k, str)}


def _articles(page: CapturedPage) -> list[dict]:
    return [o for o in page.jsonld if _types(o) & _ARTICLE_TYPES]


def _jsonld_value(page: CapturedPage, key: str) -> str:
    for item in _articles(page):
        value = item.get(key)
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return ""


def _name(value) -> str:
    if isinstance(value, list):
        names = [_name(v) for v in value]
        return ", ".join(n for n in names if n)
    if isinstance(value, dict):
        value = value.get("name")
    return " ".join(value.split()) if isinstance(value, str) else ""


# --- body --------------------------------------------------------------------------------------

def _trafilatura_blocks(page: CapturedPage) -> list[str]:
    import trafilatura

    text = trafilatura.extract(page.html, url=page.url or None, favor_precision=True, include_comments=False,
                               include_tables=True, deduplicate=False) or ""
    blocks = []
    for line in text.split("\n"):
        line = line.strip()
        if re.fullmatch(r"\|?[\s|:-]*\|?", line):  # a table's rule line, or nothing
            continue
        if line.startswith("|"):  # a table row: its cells, as the page's text has them
            line = " ".join(cell.strip() for cell in line.strip("|").split("|") if cell.strip())
        blocks.append(line)
    return blocks


def _jsonld_body(page: CapturedPage, folded: FoldedText) -> str:
    """The page's JSON-LD articleBody, when the page shows most of its words (not a teaser or
    another text): else ""."""
    body = _jsonld_value(page, "articleBody")
    words = fold(body).split(" ")
    if len(words) < 40:
        return ""
    shown = sum(len(s.split()) for s in re.split(r"(?<=[.!?])\s+", fold(body)) if s and s in folded.text)
    return fold(body) if shown >= 0.9 * len(words) else ""


# A news article says at least a couple of sentences (about 25 English words; counted in
# characters, as Japanese or Chinese text has no spaces); a menu or a login page does not.
MIN_ARTICLE_CHARS = 150


def extract_body(page: CapturedPage, folded: FoldedText, text_body: ex.Body) -> ex.Found:
    blocks = _trafilatura_blocks(page)
    reference = _jsonld_body(page, folded)
    paragraphs: list[ex.Line] = []
    removed: list[tuple[ex.Line, str]] = []
    cursor, dropped = 0, 0
    for block in blocks:
        span = folded.find(block, cursor)
        if span is None and block.startswith("- "):  # a list item, as trafilatura marks it
            span = folded.find(block[2:], cursor)
        if span is None:
            dropped += 1
            continue
        start, end = span
        line = ex.Line(folded.line_at(start), folded.text[start:end])
        if reference and line.text not in reference and len(line.text.split()) < 60:
            removed.append((line, "not in the page's JSON-LD articleBody"))
            continue
        paragraphs.append(line)
        cursor = end
    how = "trafilatura's reading of the markup"
    if reference:
        how += ", checked against the page's JSON-LD articleBody"
    evidence = f"{how}: {len(paragraphs)} blocks, each found in the page's text"
    if dropped:
        evidence += f"; {dropped} block(s) the page's text does not show were left out"
    if sum(len(line.text) for line in paragraphs) < MIN_ARTICLE_CHARS:
        # A menu, a gallery, a login page: read the page's text as a text capture would be.
        if sum(len(line.text) for line in text_body.paragraphs) < MIN_ARTICLE_CHARS:
            return ex.Found(replace(text_body, paragraphs=(), removed=()),
                            f"no article: fewer than {MIN_ARTICLE_CHARS} characters of article text in the markup "
                            "or the page's text", confident=False)
        return ex.Found(text_body, "trafilatura found no article in the markup; the page's text was read as a "
                        "text capture", confident=False)
    first, last = paragraphs[0].number, paragraphs[-1].number
    head = tuple(l for l in text_body.head + text_body.paragraphs + text_body.tail if l.number < first)
    tail = tuple(l for l in text_body.head + text_body.paragraphs + text_body.tail if l.number > last)
    credits = tuple(l for l in text_body.credits if l.number > last or l.number < first)
    body = ex.Body(headline=text_body.headline, paragraphs=tuple(paragraphs), credits=credits, head=head,
                   tail=tail, removed=tuple(removed))
    return ex.Found(body, evidence, confident=not dropped)


# --- title -------------------------------------------------------------------------------------

_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " « ", " » ")


def _site_keys(page: CapturedPage) -> set[str]:
    names = [page.meta_value("og:site_name", "application-name", "publisher"),
             *(_name(item.get("publisher")) for item in _articles(page))]
    host = host_of(page.url or page.canonical)
    keys = {compact(n) for n in names if n}
    if host:
        labels = host.split(".")
        keys |= {compact(label) for label in labels[:-1] if len(label) > 2}
        keys.add(compact(host))
    return {k for k in keys if k} | {re.sub(r"^the", "", k) for k in keys if k}


_SITE_WORDS = 8  # letters a site's name may carry beyond its domain's: "BBC" -> "BBC News", "Sky" -> "Sky Sports"


def _names_site(part: str, keys: set[str]) -> bool:
    """Whether a part of a title is the site's name: "The Guardian", not "The Guardian view on Hong Kong"."""
    key = compact(part)
    return bool(key) and (key in keys or re.sub(r"^the", "", key) in keys
                          or any(len(k) >= 3 and key.startswith(k) and len(key) - len(k) <= _SITE_WORDS
                                 or len(k) > 3 and k.startswith(key) and len(key) > 3 for k in keys))


def cut_site_part(title: str, page: CapturedPage) -> tuple[str, str]:
    """The title without the site's name at either end ("Story | The Daily Planet"), and what was cut."""
    keys = _site_keys(page)
    for separator in _SEPARATORS:
        if separator not in title:
            continue
        before, after = title.rsplit(separator, 1)
        if _names_site(after, keys) and before.strip():
            return before.strip(), after.strip()
        before, after = title.split(separator, 1)
        if _names_site(before, keys) and after.strip():
            return after.strip(), before.strip()
    return title, ""


def _parts(title: str) -> list[str]:
    """The two sides of a title split at its last and at its first separator ("Story | Section | Site")."""
    parts = []
    for separator in _SEPARATORS:
        if separator in title:
            parts += [*title.rsplit(separator, 1), *title.split(separator, 1)]
    return parts


def _same(a: str, b: str) -> bool:
    return compact(a) == compact(b)


def extract_title(page: CapturedPage, text_title: ex.Found) -> ex.Found:
    og = page.meta_value("og:title", "twitter:title")
    headline = _jsonld_value(page, "headline")
    stated = [(og, "og:title"), (headline, "JSON-LD headline"), (page.title_tag, "<title>")]
    # The page's <h1> that the page's own metadata names as its headline.
    for h1 in page.h1[:3]:
        for value, name in stated:
            if value and (_same(h1, value) or any(_same(h1, part) for part in _parts(value))):
                return ex.Found(h1, f"the page's <h1>, as its {name} says")
    for value, name in stated:
        if not value:
            continue
        title, cut = cut_site_part(value, page)
        if name == "<title>" and not cut and page.h1:
            continue  # a <title> that is not the headline plus the site's name says little
        why = f"the page's {name}" + (f", without the site's name \"{cut}\"" if cut else "")
        return ex.Found(title, why, confident=name != "<title>")
    if page.h1:
        return ex.Found(page.h1[0], "the page's first <h1> (no og:title or JSON-LD headline)", confident=False)
    return text_title


# --- date --------------------------------------------------------------------------------------

_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def _stated_date(page: CapturedPage) -> tuple[str, str]:
    """(date as the page writes it, where) from the page's own markup, or ("", "")."""
    value = page.meta_value("article:published_time", "og:article:published_time", "article.published",
                            "datepublished")
    if value:
        return value, "the page's meta article:published_time"
    value = _jsonld_value(page, "datePublished")
    if value:
        return value, "the page's JSON-LD datePublished"
    match = re.search(r"<time\b[^>]*itemprop=[\"']?datePublished[^>]*>", page.html, re.IGNORECASE)
    if match:
        stamp = re.search(r"datetime=[\"']([^\"']+)", match.group())
        if stamp:
            return stamp.group(1), "the page's <time itemprop=datePublished>"
    return "", ""


def _capture_day(page: CapturedPage) -> str:
    moment = page.provenance.captured if page.provenance is not None else page.saved_at
    return moment[:10] if _ISO_DAY.match(moment or "") else ""


def extract_date(page: CapturedPage, text_date: ex.Found) -> ex.Found:
    written, where = _stated_date(page)
    match = _ISO_DAY.match(written)
    if match:
        iso = "-".join(match.groups())
        return ex.Found(ex.DateValue(iso, "day"), f"{where}: {written} (the publication date as the page "
                        "states it; the day as written there, in the page's time zone)")
    if text_date.value.iso and text_date.confident:
        return text_date
    # Unsure readings that fall on the day the page was captured are likely its date bar.
    captured = _capture_day(page)
    unknown = ex.Found(ex.DateValue(None, "unknown"), "The page states no publication date in its markup, and "
                       f"the dates found in it fall on the day it was captured ({captured}): that is a date bar, "
                       "not the publication date.")
    if captured and text_date.value.iso == captured:
        text_date = unknown
    try:
        import htmldate

        found = htmldate.find_date(page.html, url=page.url or None, original_date=True, extensive_search=False,
                                   outputformat="%Y-%m-%d")
    except Exception:  # htmldate reads markup of every shape; a page it cannot read has no date from it
        found = None
    if found and _ISO_DAY.match(found) and found != captured:
        return ex.Found(ex.DateValue(found, "day"), f"htmldate's reading of the page's markup: {found} "
                        "(no published-time meta tag or JSON-LD date; check it against the page)", confident=False)
    return text_date


# --- outlet and author --------------------------------------------------------------------------

def extract_publisher(page: CapturedPage, registry: ex.Registry, text_publisher: ex.Found) -> ex.Found:
    host = host_of(page.url)
    if source_for_domain(host, registry.sources):
        return text_publisher  # the domain is registered: sources.yaml decides
    name = page.meta_value("og:site_name") or next((n for n in (_name(i.get("publisher")) for i in _articles(page))
                                                     if n), "")
    name = re.split(r" [|–—-] ", name, maxsplit=1)[0].strip()
    if not name or re.fullmatch(r"[\w-]+(\.[\w-]+)+", name) or len(name) > 60:
        return text_publisher
    known = resolve_outlet(name, registry.sources)
    if known is not None:
        return ex.Found(known.id, f"the page's og:site_name \"{name}\" is {known.name} in sources.yaml; "
                        f"the domain {host} is not yet among its domains", confident=False)
    labels = host.split(".")
    short = len(labels) >= 3 and labels[-2] in ("co", "com", "org", "net", "gov", "ac", "edu") and len(labels[-1]) == 2
    domain = ".".join(labels[-3:] if short else labels[-2:])
    proposal = ex.NewSource(id=unique_id(slugify(name), registry.sources), name=name,
                            domains=(domain,) if domain == host else (domain, host), kind=guess_kind(name),
                            evidence=f"unknown domain {host}; the page names its site \"{name}\" (og:site_name)")
    return ex.Found(proposal.id, f"the domain {host} is not in sources.yaml: proposed new source '{proposal.id}' "
                    f"(the page's og:site_name \"{name}\")", confident=False, proposed=(proposal,))


def _people(value) -> list[str]:
    """The persons among a JSON-LD author value (an organisation, such as the outlet, is not an author)."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict) and _types(item) & {"organization", "newsmediaorganization", "corporation"}:
            continue
        name = re.sub(r"^by\s+", "", _name(item), flags=re.IGNORECASE)
        if name and not re.match(r"https?://", name):
            names.append(name)
    return names


def extract_author(page: CapturedPage) -> ex.Found:
    site = _site_keys(page)
    for item in _articles(page):
        names = [n for n in _people(item.get("author")) if not _names_site(n, site)]
        if names:
            return ex.Found(", ".join(dict.fromkeys(names)), "the page's JSON-LD author")
    name = page.meta_value("author", "article:author", "byl", "dc.creator", "sailthru.author")
    name = re.sub(r"^by\s+", "", name, flags=re.IGNORECASE)
    if name and not re.match(r"https?://", name) and not _names_site(name, site):
        return ex.Found(name, "the page's meta author")
    return ex.Found("", "the page names no author in its metadata (an outlet named as author is not one)")


# --- all fields -----------------------------------------------------------------------------------

def extract_page(page: CapturedPage, registry: ex.Registry) -> ex.Extraction:
    """Every field of a saved page: the text extractors on its text, each field the HTML states
    better (body, title, publisher, date) refined from the markup, and the page's author."""
    folded = FoldedText(page.text)
    refine = {"body": lambda found: extract_body(page, folded, found.value),
              "title": lambda found: extract_title(page, found),
              "publisher": lambda found: extract_publisher(page, registry, found),
              "date": lambda found: extract_date(page, found)}
    result = ex.extract(ex.Page(page.text, page.url), registry, refine)
    return ex.Extraction({**result.fields, "author": extract_author(page)})


def extract_capture(page: CapturedPage, registry: ex.Registry) -> ex.Extraction:
    """Every field of a captured page: from its text alone for a text capture, else with its markup."""
    if not page.html:
        return ex.extract(ex.Page(page.text, page.url), registry)
    return extract_page(page, registry)
