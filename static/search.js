// Search as you type over the Pagefind index built with the site, filtered by person, outlet
// and year. The index is several Pagefind indexes searched together (newsarchive/search.py):
// a large one in parts (pagefind/, pagefind-1/, ...) and a small one of the pages changed since
// it was made (pagefind-recent/); pagefind-recent/recent.json says how many parts there are,
// names the large index's results for pages since changed or deleted and each index's lexicon
// record, which are left out, and the filter values the stale pages add to the counts.
//
// Nothing is fetched until the reader turns to the search box or the filters (or the address
// holds a search): a page opened in passing costs three requests. Results are built as DOM
// nodes: only Pagefind's excerpt (escaped text with <mark> around the matches) is inserted as
// HTML. Each result shown costs a request, so five are shown at first (they fill a screen),
// and five more whenever the end of the list comes into view or the reader asks for more.
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

let loading = null;
function load() {
  // Pagefind, the small index merged into it, and the list of what to leave out.
  loading ??= (async () => {
    const [pagefind, recent] = await Promise.all([
      import(new URL("pagefind/pagefind.js", siteRoot).href),
      fetch(new URL("pagefind-recent/recent.json", siteRoot)).then((response) => {
        if (!response.ok) throw new Error(`recent.json: ${response.status}`);
        return response.json();
      }),
    ]);
    await pagefind.options({ baseUrl: siteRoot.pathname });
    const others = [];
    for (let part = 1; part < (recent.parts || 1); part++) others.push(`pagefind-${part}/`);
    if (recent.index) others.push("pagefind-recent/");
    // Merged at once; Pagefind keeps them in the order they are asked for.
    await Promise.all(others.map((folder) =>
      pagefind.mergeIndex(new URL(folder, siteRoot).pathname, { baseUrl: siteRoot.pathname })));
    return {
      pagefind,
      hidden: new Set([...recent.hidden, ...(recent.lexicon || [])]),
      twice: new Set(recent.twice || []),
      uncount: recent.uncount || {},
    };
  })();
  return loading;
}

function failed() {
  status.textContent = "Search needs the site to be served by a web server. From a folder on disk, browse by date, people or outlets instead.";
}

let listsFilled = null;
function fillFilters() {
  listsFilled ??= (async () => {
    const { pagefind, uncount } = await load();
    const available = await pagefind.filters();
    for (const [name, select] of Object.entries(selects)) {
      const chosen = select.value;  // what the address or the reader chose meanwhile
      const counts = {};
      for (const [value, count] of Object.entries(available[name] || {})) {
        const left = count - ((uncount[name] || {})[value] || 0);
        if (left > 0) counts[value] = left;
      }
      const values = Object.keys(counts).sort((a, b) => b === "date unknown" ? -1 : a === "date unknown" ? 1 : a.localeCompare(b));
      select.replaceChildren(select.options[0]);
      for (const value of values) select.appendChild(new Option(`${value} (${counts[value]})`, value));
      if (chosen && !values.includes(chosen)) select.appendChild(new Option(chosen, chosen));  // no article has it
      select.value = chosen;
    }
  })().catch(failed);
  return listsFilled;
}

// One search at a time; keys typed meanwhile make one more search, for what the box then holds.
let running = false;
let again = false;
let shown = [];  // the results of the search on screen, hidden ones left out
let shownFor = "";  // its words
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
    const { pagefind, hidden, twice } = await load();
    const search = await pagefind.search(query || null, { filters });
    // The reader typed on: this search is out of date, and shown only while nothing is.
    if (again && list.children.length) return;
    const seen = new Set();  // a result in both the large and the small index is shown once
    found = search.results.filter((result) => {
      if (hidden.has(result.id) || (twice.has(result.id) && seen.has(result.id))) return false;
      seen.add(result.id);
      return true;
    });
  } catch (error) {
    failed();
    return;
  }
  shown = found;
  shownFor = query;
  list.replaceChildren();
  await showMore();
}

// One batch at a time for the results on screen (a batch for earlier results just ends).
let adding = null;
let addingFor = null;
function showMore() {
  if (adding && addingFor === shown) return adding;
  addingFor = shown;
  const batch = adding = addResults().finally(() => {
    if (adding === batch) adding = null;
  });
  return batch;
}

async function addResults() {
  const results = shown;
  const start = list.children.length;
  const data = await Promise.all(results.slice(start, start + PAGE).map((result) => result.data()));
  if (results !== shown) return;  // a newer search replaced these meanwhile
  for (const item of data) {
    const entry = document.createElement("li");
    const heading = document.createElement("h2");
    const link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.meta.title;
    heading.appendChild(link);
    const meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = `${item.meta.date} · ${item.meta.publisher}`;
    const excerpt = document.createElement("p");
    excerpt.className = "excerpt";
    excerpt.innerHTML = item.excerpt;
    entry.append(heading, meta, excerpt);
    list.appendChild(entry);
  }
  const count = results.length;
  status.textContent = `${count} article${count === 1 ? "" : "s"} found` + (shownFor ? ` for “${shownFor}”` : "") +
    (count > list.children.length ? `, first ${list.children.length} shown.` : ".");
  more.hidden = count <= list.children.length;
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
