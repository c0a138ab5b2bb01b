// Search as you type over the archive's own index (newsarchive/search.py describes its files),
// filtered by person, outlet and year. The index is two, searched together: a large one of
// every article as it was when it was made (search/base/) and a small one of the articles
// changed since (search/recent/); search/recent.json holds the small one's manifest, the large
// one's documents to leave out (changed or deleted since) and the filter values they add to
// the lists' counts.
//
// Nothing is fetched until the reader turns to the search box or the filters (or the address
// holds a search): a page opened in passing costs three requests. A word typed costs the file
// of its range of words in each index (fetched once); each result shown costs its document.
// So five results are shown at first (they fill a screen), and five more whenever the end of
// the list comes into view or the reader asks for more. Results are built as DOM nodes.
const form = document.getElementById("search-form");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const siteRoot = new URL("../", document.baseURI);
const selects = {
  actor: document.getElementById("filter-actor"),
  source: document.getElementById("filter-source"),
  year: document.getElementById("filter-year"),
};
const PAGE = 5;
const MAX_FILES = 3;  // words files read for a word typed; a prefix of a letter or two finds fewer words:
const SHORT = 3;  // a word shorter than this reads one file (its own, and the words after it there)
const PAUSE_MS = 200;  // while results are on screen, newer ones wait this long for the reader to stop typing
const EXTENSION = 0.5;  // a word that only begins with the word typed counts half
const K1 = 1.2;  // how fast more of a word stops counting (BM25)
const EXCERPT = 30;  // words

// Words as search.py folds them: lower case, decomposed, nonspacing marks (accents, vowel
// points; not Japanese voicing marks) off, composed again, runs of letters, digits and spacing
// marks, each Chinese or Japanese character a word of its own.
const fold = (text) => text.toLowerCase().normalize("NFKD").replace(/(?:(?![\u3099\u309a])\p{Mn})+/gu, "").normalize("NFC");
const WORD = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|(?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])[\p{L}\p{N}\p{Mc}])+/gu;
const wordsOf = (text) => fold(text).match(WORD) || [];

async function getJSON(url, options) {
  const response = await fetch(url, options);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

// A postings string: document numbers with the word's count in each.
function* postings(text) {
  let doc = 0;
  for (const part of text.split(",")) {
    const value = Number(part);
    doc += Math.floor(value / 4);
    yield [doc, (value % 4) + 1];
  }
}

class Index {
  constructor(folder, manifest, hidden = [], places = null) {
    this.folder = new URL(folder, siteRoot);
    this.manifest = manifest;
    this.hidden = new Set(hidden);
    this.places = places;  // the small index: where each document sorts among the large one's
    this.files = new Map();
    this.filterFiles = null;
  }

  file(path) {
    // Every file of one version carries it in its address: a browser never mixes two versions.
    if (!this.files.has(path)) {
      const url = new URL(`${path}?v=${this.manifest.version}`, this.folder);
      this.files.set(path, getJSON(url).catch((error) => {
        this.files.delete(path);
        throw error;
      }));
    }
    return this.files.get(path);
  }

  place(doc) {
    return this.places ? this.places[doc] : doc;
  }

  // The documents holding a word that begins with `term`, with their scores.
  async scores(term) {
    const firsts = this.manifest.words;
    if (!firsts.length) return new Map();  // an index of no words
    let low = 0, high = firsts.length;  // the last file whose first word is <= term
    while (low < high) {
      const middle = (low + high) >> 1;
      if (firsts[middle] <= term) low = middle + 1; else high = middle;
    }
    const numbers = [Math.max(0, low - 1)];  // then the files whose words all begin with it
    const most = term.length < SHORT ? 1 : MAX_FILES;
    for (let next = numbers[0] + 1; numbers.length < most && next < firsts.length && firsts[next].startsWith(term); next++) {
      numbers.push(next);
    }
    const files = await Promise.all(numbers.map((number) => this.file(`words/${number}.json`)));
    const found = new Map();
    const total = this.manifest.documents;
    for (const { words, postings: lists } of files) {
      words.forEach((word, i) => {
        if (!word.startsWith(term)) return;
        const entries = Array.from(postings(lists[i]));
        const df = entries.length;
        const weight = Math.log(1 + (total - df + 0.5) / (df + 0.5)) * (word === term ? 1 : EXTENSION);
        for (const [doc, count] of entries) {
          const score = weight * count * (K1 + 1) / (count + K1);
          if (!(found.get(doc) >= score)) found.set(doc, score);
        }
      });
    }
    return found;
  }

  filterLists() {
    this.filterFiles ??= this.file("filters.json");
    return this.filterFiles;
  }

  async filtered(name, value) {
    const entry = ((await this.filterLists())[name] || []).find(([known]) => known === value);
    if (!entry) return new Set();
    return new Set(Array.from(postings(await this.file(`filters/${entry[2]}.json`)), ([doc]) => doc));
  }

  // The documents matching every word and every filter: [{index, doc, score}].
  async search(terms, filters) {
    const sets = await Promise.all([
      ...terms.map((term) => this.scores(term)),
      ...Object.entries(filters).map(([name, value]) => this.filtered(name, value)),
    ]);
    const wordSets = sets.slice(0, terms.length);
    const filterSets = sets.slice(terms.length);
    let candidates;
    if (wordSets.length) {
      wordSets.sort((a, b) => a.size - b.size);
      candidates = [...wordSets[0].keys()];
    } else {
      filterSets.sort((a, b) => a.size - b.size);
      candidates = [...filterSets[0]];
    }
    const results = [];
    for (const doc of candidates) {
      if (this.hidden.has(doc) || !filterSets.every((set) => set.has(doc))) continue;
      let score = 0;
      for (const set of wordSets) {
        if (!set.has(doc)) {
          score = -1;
          break;
        }
        score += set.get(doc);
      }
      if (score >= 0) results.push({ index: this, doc, score, place: this.place(doc) });
    }
    return results;
  }
}

let loading = null;
function load() {
  loading ??= (async () => {
    const [base, recent] = await Promise.all([
      getJSON(new URL("search/base/index.json", siteRoot), { cache: "no-cache" }),
      getJSON(new URL("search/recent.json", siteRoot), { cache: "no-cache" }),
    ]);
    const indexes = [new Index("search/base/", base, recent.hidden)];
    if (recent.recent) indexes.push(new Index("search/recent/", recent.recent, [], recent.recent.places));
    return { indexes, uncount: recent.uncount || {} };
  })();
  loading.catch(() => { loading = null; });
  return loading;
}

function failed() {
  status.textContent = "Search needs the site to be served by a web server. From a folder on disk, browse by date, people or outlets instead.";
}

let listsFilled = null;
function fillFilters() {
  listsFilled ??= (async () => {
    const { indexes, uncount } = await load();
    const lists = await Promise.all(indexes.map((index) => index.filterLists()));
    for (const [name, select] of Object.entries(selects)) {
      const chosen = select.value;  // what the address or the reader chose meanwhile
      const counts = {};
      for (const listing of lists) {
        for (const [value, count] of listing[name] || []) counts[value] = (counts[value] || 0) + count;
      }
      for (const [value, count] of Object.entries(uncount[name] || {})) counts[value] -= count;
      const values = Object.keys(counts).filter((value) => counts[value] > 0)
        .sort((a, b) => b === "date unknown" ? -1 : a === "date unknown" ? 1 : a.localeCompare(b));
      select.replaceChildren(select.options[0]);
      for (const value of values) select.appendChild(new Option(`${value} (${counts[value]})`, value));
      if (chosen && !values.includes(chosen)) select.appendChild(new Option(chosen, chosen));  // no article has it
      select.value = chosen;
    }
  })().catch((error) => {
    listsFilled = null;
    failed();
  });
  return listsFilled;
}

// One search at a time; keys typed meanwhile make one more search, for what the box then holds.
let running = false;
let again = false;
let shown = [];  // the results of the search on screen
let shownFor = "";  // its words
let shownTerms = [];
async function run() {
  if (running) {
    again = true;
    return;
  }
  running = true;
  try {
    do {
      again = false;
      await searchOnce();
    } while (again);
  } finally {
    running = false;
  }
}

async function searchOnce() {
  const query = form.elements.q.value.trim();
  const terms = [...new Set(wordsOf(query))];
  const filters = {};
  for (const [name, select] of Object.entries(selects)) if (select.value) filters[name] = select.value;
  if (!query && !Object.keys(filters).length) {
    shown = [];
    list.replaceChildren();
    more.hidden = true;
    status.textContent = "Type words to find, or choose a person, outlet or year.";
    return;
  }
  let found;
  try {
    const { indexes } = await load();
    found = query && !terms.length ? [] :
      (await Promise.all(indexes.map((index) => index.search(terms, filters)))).flat();
    // The reader typed on: this search is out of date, and shown only while nothing is.
    if (again && list.children.length) return;
  } catch (error) {
    failed();
    return;
  }
  // Each result shown costs a request: while some are on screen, show newer ones once the
  // reader pauses, not at every key.
  if (list.children.length && query !== shownFor) {
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    if (again) return;
  }
  // Best first; among equals (and with no words), newest first.
  found.sort((a, b) => b.score - a.score || b.place - a.place);
  shown = found;
  shownFor = query;
  shownTerms = terms;
  list.replaceChildren();
  await showMore();
}

// One batch at a time for the results on screen (a batch for earlier results just ends).
let adding = null;
let addingFor = null;
function showMore() {
  if (adding && addingFor === shown) return adding;
  addingFor = shown;
  const batch = adding = addResults().catch(failed).finally(() => {
    if (adding === batch) adding = null;
  });
  return batch;
}

async function addResults() {
  const results = shown;
  const terms = shownTerms;
  const start = list.children.length;
  const data = await Promise.all(results.slice(start, start + PAGE)
    .map((result) => result.index.file(`docs/${result.doc}.json`)));
  if (results !== shown) return;  // a newer search replaced these meanwhile
  for (const item of data) {
    const entry = document.createElement("li");
    const heading = document.createElement("h2");
    const link = document.createElement("a");
    link.href = new URL(item.url, siteRoot).href;
    link.textContent = item.title;
    heading.appendChild(link);
    const meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = `${item.date} · ${item.publisher}`;
    const excerpt = document.createElement("p");
    excerpt.className = "excerpt";
    excerpt.append(...excerptOf(item.text, terms));
    entry.append(heading, meta, excerpt);
    list.appendChild(entry);
  }
  const count = results.length;
  status.textContent = `${count} article${count === 1 ? "" : "s"} found` + (shownFor ? ` for “${shownFor}”` : "") +
    (count > list.children.length ? `, first ${list.children.length} shown.` : ".");
  more.hidden = count <= list.children.length;
}

// Some thirty words of the text around the most of the words searched, those words marked.
function excerptOf(text, terms) {
  const tokens = Array.from(text.matchAll(/[\p{L}\p{N}\p{M}]+/gu));
  const hit = tokens.map((token) => {
    const folded = wordsOf(token[0]);
    return terms.findIndex((term) => folded.some((word) => word.startsWith(term)));
  });
  let best = 0, bestCount = 0;
  hit.forEach((term, at) => {
    if (term < 0) return;
    const seen = new Set(hit.slice(at, at + EXCERPT).filter((found) => found >= 0));
    if (seen.size > bestCount) [best, bestCount] = [at, seen.size];
  });
  const first = Math.max(0, best - 5);
  const last = Math.min(tokens.length, first + EXCERPT);
  if (!tokens.length) return [text.slice(0, 200)];
  const nodes = [first > 0 ? "… " : ""];
  let at = tokens[first].index;
  for (let i = first; i < last; i++) {
    if (hit[i] < 0) continue;
    const token = tokens[i];
    nodes.push(text.slice(at, token.index));
    const mark = document.createElement("mark");
    mark.textContent = token[0];
    nodes.push(mark);
    at = token.index + token[0].length;
  }
  const end = last < tokens.length ? tokens[last].index : text.length;
  nodes.push(text.slice(at, end).trimEnd() + (last < tokens.length ? " …" : ""));
  return nodes;
}

function remember() {
  // The address holds the search, so that it can be shared and reloaded.
  const params = new URLSearchParams();
  if (form.elements.q.value.trim()) params.set("q", form.elements.q.value.trim());
  for (const [name, select] of Object.entries(selects)) if (select.value) params.set(name, select.value);
  history.replaceState(null, "", params.toString() ? `?${params}` : location.pathname);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(pause);
  remember();
  run();
});
// The address follows the words once the reader pauses: Chromium fetches the page's icon
// again at every change of address, which would be a request a key.
let pause = null;
form.elements.q.addEventListener("input", () => {
  clearTimeout(pause);
  pause = setTimeout(remember, 1000);
  run();
});
form.elements.q.addEventListener("focus", () => load().catch(failed), { once: true });
const filterArea = form.querySelector(".filters");
for (const kind of ["pointerover", "focusin", "touchstart"]) {
  filterArea.addEventListener(kind, fillFilters, { once: true, passive: true });
}
for (const select of Object.values(selects)) {
  select.addEventListener("change", () => {
    remember();
    run();
  });
}
more.addEventListener("click", () => showMore());
new IntersectionObserver((entries) => {
  if (entries.some((entry) => entry.isIntersecting) && !more.hidden) showMore();
}, { rootMargin: "200px" }).observe(more);

// Take the search from the address. A filter in it is chosen at once, as an option of its
// own until the lists come.
const params = new URLSearchParams(location.search);
if (params.has("q")) form.elements.q.value = params.get("q");
for (const [name, select] of Object.entries(selects)) {
  const value = params.get(name);
  if (value) select.appendChild(new Option(value, value, true, true));
}
if ([...params.keys()].some((key) => key === "q" || key in selects)) {
  run().then(() => {
    if (Object.values(selects).some((select) => select.value)) fillFilters();
  });
} else {
  status.textContent = "Type words to find, or choose a person, outlet or year.";
}
