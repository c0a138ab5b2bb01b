// Search over the Pagefind index built with the site, filtered by person, outlet and year.
// Paths are worked out from this page's own address, so search works from any folder of a
// web server. Results are built as DOM nodes: only Pagefind's excerpt (escaped text with
// <mark> around the matches) is inserted as HTML. The lists of people, outlets and years
// come after the first results: they need three files from every part of the index, and a
// search does not (bench/README.md, "Search part size").
const form = document.getElementById("search-form");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const siteRoot = new URL("../", document.baseURI);
const selects = {
  actor: document.getElementById("filter-actor"),
  source: document.getElementById("filter-source"),
  year: document.getElementById("filter-year"),
};

async function start() {
  let pagefind;
  try {
    pagefind = await import(new URL("pagefind/pagefind.js", siteRoot).href);
    await pagefind.options({ baseUrl: siteRoot.pathname });
    // A large archive's index comes in parts (pagefind/, pagefind-1/, ...): search them all.
    // Every part is loaded at once; Pagefind keeps them in the order they are asked for.
    const parts = Number(form.dataset.parts || 1);
    const merging = [];
    for (let part = 1; part < parts; part++) {
      merging.push(pagefind.mergeIndex(new URL(`pagefind-${part}/`, siteRoot).pathname, { baseUrl: siteRoot.pathname }));
    }
    await Promise.all(merging);
  } catch (error) {
    status.textContent = "Search needs the site to be served by a web server. From a folder on disk, browse by date, people or outlets instead.";
    return;
  }
  // Take the query from the address, but never erase what the reader typed while this loaded.
  // A filter in the address is chosen at once, as an option of its own until the lists come.
  const params = new URLSearchParams(location.search);
  if (params.has("q")) form.elements.q.value = params.get("q");
  for (const [name, select] of Object.entries(selects)) {
    const value = params.get(name);
    if (value) select.appendChild(new Option(value, value, true, true));
  }

  async function fillFilters() {
    const available = await pagefind.filters();
    for (const [name, select] of Object.entries(selects)) {
      const chosen = select.value;  // what the address or the reader chose meanwhile
      const values = Object.keys(available[name] || {}).sort((a, b) => b === "date unknown" ? -1 : a.localeCompare(b));
      select.replaceChildren(select.options[0]);
      for (const value of values) select.appendChild(new Option(`${value} (${available[name][value]})`, value));
      if (chosen && !values.includes(chosen)) select.appendChild(new Option(chosen, chosen));  // no article has it
      select.value = chosen;
    }
  }

  async function run() {
    const query = form.elements.q.value.trim();
    const filters = {};
    for (const [name, select] of Object.entries(selects)) if (select.value) filters[name] = select.value;
    list.replaceChildren();
    if (!query && !Object.keys(filters).length) {
      status.textContent = "Type words to find, or choose a person, outlet or year.";
      return;
    }
    status.textContent = "Searching…";
    const search = await pagefind.search(query || null, { filters });
    const shown = search.results.slice(0, 50);
    const found = await Promise.all(shown.map((result) => result.data()));
    status.textContent = `${search.results.length} article${search.results.length === 1 ? "" : "s"} found` +
      (search.results.length > shown.length ? `, first ${shown.length} shown.` : ".");
    for (const data of found) {
      const item = document.createElement("li");
      const heading = document.createElement("h2");
      const link = document.createElement("a");
      link.href = data.url;
      link.textContent = data.meta.title;
      heading.appendChild(link);
      const meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = `${data.meta.date} · ${data.meta.publisher}`;
      const excerpt = document.createElement("p");
      excerpt.className = "excerpt";
      excerpt.innerHTML = data.excerpt;
      item.append(heading, meta, excerpt);
      list.appendChild(item);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    if (form.elements.q.value.trim()) params.set("q", form.elements.q.value.trim());
    for (const [name, select] of Object.entries(selects)) if (select.value) params.set(name, select.value);
    history.replaceState(null, "", params.toString() ? `?${params}` : location.pathname);
    run();
  });
  for (const select of Object.values(selects)) select.addEventListener("change", () => form.requestSubmit());
  await run();
  await fillFilters();
}

start();
