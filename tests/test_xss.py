"""No script from content reaches a page: payloads everywhere, every page opened in Chromium."""

from pathlib import Path

from conftest import run_build

MARK = "XSS-MARKER"
PAYLOADS = [
    f'<script>console.log("{MARK}");alert(1)</script>',
    f'<img src=x onerror="console.log(\'{MARK}\');alert(2)">',
    f'"><svg onload="console.log(\'{MARK}\');alert(3)">',
    f"'onmouseover='console.log(\"{MARK}\")' x='",
    "</title></style></textarea><script>alert(4)</script>",
]
EVIL = " ".join(PAYLOADS)


def _yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _poison(project: Path) -> None:
    with open(project / "articles" / "actors.yaml", "a", encoding="utf-8") as actors:
        actors.write(f"\nevil-person:\n  name: {_yaml('Evil ' + PAYLOADS[1])}\n  aliases: [{_yaml(PAYLOADS[0])}]\n"
                     f"  role: {_yaml(EVIL)}\n  affiliation: {_yaml(EVIL)}\n  description: {_yaml(EVIL)}\n")
    with open(project / "articles" / "sources.yaml", "a", encoding="utf-8") as sources:
        sources.write(f"\nevil-outlet:\n  name: {_yaml('Evil ' + PAYLOADS[2])}\n"
                      f"  domains: [{_yaml('evil.example' + PAYLOADS[3])}]\n  kind: website\n")
    body = (f"# Headline {PAYLOADS[0]}\n\n"
            f"Paragraph with raw HTML {PAYLOADS[1]} and {PAYLOADS[4]}.\n\n"
            f"A [javascript link](javascript:alert(5)) and [data link](data:text/html,<script>alert(6)</script>)"
            f" and [vb](vbscript:msgbox(7)) and <a href=\"javascript:alert(8)\">raw link</a>.\n\n"
            f"Quote sentence {PAYLOADS[2]} said Evil.\n")
    (project / "articles" / "captures" / "evil.txt").write_text(body, encoding="utf-8")
    front = "\n".join([
        "---",
        f"title: {_yaml('Title ' + EVIL)}",
        f"url: {_yaml('https://evil.example/' + PAYLOADS[2] + '?q=' + PAYLOADS[0])}",
        "capture: captures/evil.txt",
        "date: 2017-01-01",
        "date_precision: day",
        f"date_evidence: {_yaml(EVIL)}",
        "publisher: evil-outlet",
        f"credit: {_yaml(EVIL)}",
        "original:",
        "  source: evil-outlet",
        "  relation: reprint",
        f"  evidence: {_yaml(EVIL)}",
        "people: [evil-person, khalifa-haftar]",
        "claims:",
        "  - id: evil-claim",
        "    speaker: unnamed",
        f"    speaker_label: {_yaml(EVIL)}",
        "    stance: asserts",
        f"    statement: {_yaml(EVIL)}",
        f"    quote: {_yaml('Quote sentence ' + PAYLOADS[2] + ' said Evil.')}",
        "  - id: evil-claim",
        "    speaker: evil-person",
        "    stance: denies",
        f"    statement: {_yaml(EVIL)}",
        f"    quote: {_yaml('Paragraph with raw HTML ' + PAYLOADS[1])}",
        "---", "", body])
    (project / "articles" / "evil.md").write_text(front, encoding="utf-8")
    config = (project / "config.yaml").read_text(encoding="utf-8")
    config = config.replace("title: Russia and the Libyan factions, 2016-2018", f"title: {_yaml('Site ' + EVIL)}")
    (project / "config.yaml").write_text(config, encoding="utf-8")


def test_no_script_from_content_runs_on_any_page(project, browser):
    _poison(project)
    result = run_build(project)
    assert result.code == 0, result.err
    site = project / "_site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 40
    fired = []
    page = browser.new_page()
    page.on("dialog", lambda dialog: (fired.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("console", lambda message: fired.append(f"console: {message.text}") if MARK in message.text else None)
    for path in pages:
        page.goto(path.as_uri())
        page.mouse.move(10, 10)
        page.mouse.move(300, 300)
        # Nothing from the content may become an element with a handler, a script or a js: link.
        injected = page.evaluate("""() => {
            const bad = [];
            for (const el of document.querySelectorAll('*')) {
                for (const attr of el.attributes) {
                    if (attr.name.startsWith('on')) bad.push(el.tagName + ' ' + attr.name);
                    if (/^\\s*(javascript|data|vbscript):/i.test(attr.value) && ['href', 'src'].includes(attr.name))
                        bad.push(el.tagName + ' ' + attr.name + '=' + attr.value);
                }
            }
            for (const s of document.querySelectorAll('script')) {
                if (s.type === 'application/ld+json') {
                    // Data, not code: it must stay valid JSON with no raw "<" that could end the element.
                    try { JSON.parse(s.textContent); } catch (e) { bad.push('invalid JSON-LD'); }
                    if (s.textContent.includes('<')) bad.push('raw < in JSON-LD');
                } else if (s.textContent.includes('alert') || s.textContent.includes('XSS')) bad.push('script');
            }
            return bad;
        }""")
        assert injected == [], (path, injected)
    page.close()
    assert fired == []
    evil_page = (site / "articles" / "evil" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in evil_page  # shown as text, so a reader sees what the capture held
