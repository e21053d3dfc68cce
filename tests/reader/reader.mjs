// Open an EPUB in epub.js inside headless Chromium and read it like a person:
// turn pages, follow a note call and its link back, follow a glossary link
// (when the book has a glossary), saving a screenshot at each step.
//
//   node reader.mjs <url of index.html> <screenshot dir> [page label]
//
// When the book has a page list, it also goes to printed page N (42 by default) and
// to the first entry two levels down in the contents.
//
// The page (index.html) and the EPUB (book.epub) are served by the caller
// (tests/test_epub_reader.py) from a loopback HTTP server.  Prints one JSON
// report on stdout; exits non-zero on a failed step.  Never downloads a
// browser: Playwright drives Debian's /usr/bin/chromium.

import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const [url, shots, pageLabel = "42"] = process.argv.slice(2);
if (!url || !shots) {
  console.error("usage: node reader.mjs <url> <screenshot dir>");
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const report = { steps: [], errors: [] };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true, args: FLAGS,
});

function fail(msg) {
  report.errors.push(msg);
  throw new Error(msg);
}

try {
  const page = await browser.newPage({ viewport: { width: 600, height: 800 } });
  page.on("pageerror", (e) => report.errors.push(`page error: ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => window.readerReady !== undefined);
  await page.evaluate(() => window.readerReady);
  await page.waitForTimeout(300);

  let n = 0;
  const shot = async (name) => {
    n += 1;
    const file = join(shots, `${String(n).padStart(2, "0")}-${name}.png`);
    await page.screenshot({ path: file });
    return file;
  };
  // where the reader is now, and the visible text of the current page
  const where = () => page.evaluate(() => {
    const loc = window.reader.rendition.currentLocation();
    return { href: loc.start.href, start: loc.start.cfi, end: loc.end.cfi,
      page: loc.start.displayed.page, pages: loc.start.displayed.total };
  });
  // is the element with this id (in the current document) on the visible page?
  const visible = (id) => page.evaluate((id) => {
    const r = window.reader.rendition;
    const loc = r.currentLocation();
    const contents = r.getContents()[0];
    const el = contents.document.getElementById(id);
    if (!el) return { found: false };
    const cfi = contents.cfiFromNode(el);
    const c = new window.reader.CFI();
    // an element that begins before the page's first word but holds it is on the page too
    // (a note whose number opens the page: the page's start CFI lies inside the note, and
    // the note's own CFI, its ancestor, compares before it)
    let holdsStart = false;
    try {
      const startNode = contents.range(loc.start.cfi)?.startContainer;
      holdsStart = !!startNode && el.contains(startNode);
    } catch (e) { holdsStart = false; }
    const on = holdsStart || (c.compare(loc.start.cfi, cfi) <= 0 && c.compare(cfi, loc.end.cfi) <= 0);
    const squash = (e) => (e ? e.textContent.trim().replace(/\s+/g, " ") : "");
    const term = el.querySelector("dt"), def = el.querySelector("dd");
    return { found: true, on, text: squash(el), next: squash(el.nextElementSibling),
      term: squash(term), dd: squash(def) };
  }, id);
  const frame = () => page.frameLocator("#viewer iframe");
  // click an element of the book where it is on screen, as a reader's finger
  // would: fails if it is not on the visible page
  const tap = async (selector) => {
    const pos = await page.evaluate((sel) => {
      for (const iframe of document.querySelectorAll("#viewer iframe")) {
        const el = iframe.contentDocument && iframe.contentDocument.querySelector(sel);
        if (!el) continue;
        const f = iframe.getBoundingClientRect();
        const r = el.getClientRects()[0] || el.getBoundingClientRect();
        return { x: f.left + r.left + r.width / 2, y: f.top + r.top + r.height / 2 };
      }
      return null;
    }, selector);
    const vp = page.viewportSize();
    if (!pos) fail(`${selector} is not in the displayed document`);
    if (pos.x < 0 || pos.x > vp.width || pos.y < 0 || pos.y > vp.height) fail(`${selector} is off screen`);
    await page.mouse.click(pos.x, pos.y);
  };
  const settle = () => page.waitForTimeout(400);

  // 1. the first page: the cover
  const first = await where();
  const coverImg = await frame().locator("img").first().evaluate(
    (img) => ({ alt: img.alt, w: img.naturalWidth, h: img.naturalHeight, shown: img.clientHeight }));
  report.steps.push({ step: "cover", where: first, image: coverImg, shot: await shot("cover") });

  // 2. turn pages forward until the text starts, checking that each turn moves on
  const bodymatter = await page.evaluate(() => {
    const lm = window.reader.book.navigation.landmarks.find((l) => l.type.includes("bodymatter"));
    return lm ? lm.href : null;
  });
  const turns = [];
  let last = first.start;
  for (let i = 0; i < 12; i++) {
    await page.evaluate(() => window.reader.rendition.next());
    await settle();
    const w = await where();
    if (w.start === last) fail(`page turn ${i + 1} did not move (${w.href})`);
    last = w.start;
    turns.push(w.href);
    if (i === 1) report.steps.push({ step: "turned", where: w, shot: await shot("turned") });
    if (bodymatter && w.href === bodymatter.split("#")[0]) break;
  }
  report.steps.push({ step: "turns", hrefs: turns });
  // and one back
  await page.evaluate(() => window.reader.rendition.prev());
  await settle();
  const back = await where();
  if (back.start === last) fail("turning back did not move");
  report.steps.push({ step: "prev", where: back });

  // 3. a note: find the first note call in the reading order, show it, click it
  const call = await page.evaluate(async () => {
    const book = window.reader.book;
    for (const item of book.spine.spineItems) {
      const root = await item.load(book.load.bind(book));
      const doc = root.ownerDocument || root;
      const a = doc.querySelector('a[*|type~="noteref"], a.noteref');
      if (a) {
        const target = a.getAttribute("href").split("#")[1];
        const note = doc.getElementById(target);
        return { href: item.href, id: a.id, target, label: a.textContent,
          noteText: note ? note.textContent.trim().replace(/\s+/g, " ") : null };
      }
    }
    return null;
  });
  if (!call) {
    report.steps.push({ step: "note", skipped: "no note call in the book" });
  } else {
  await page.evaluate((h) => window.reader.rendition.display(h), `${call.href}#${call.id}`);
  await settle();
  const atCall = await visible(call.id);
  if (!atCall.on) fail(`the note call ${call.id} is not on the page displayed for it`);
  report.steps.push({ step: "note call", call, shot: await shot("note-call") });
  await tap(`[id="${call.id}"]`);
  await settle();
  const atNote = await visible(call.target);
  if (!atNote.found || !atNote.on) fail(`after clicking the call, note ${call.target} is not on the page`);
  if (atNote.text !== call.noteText) fail("the note shown is not the note called");
  report.steps.push({ step: "note", where: await where(), text: atNote.text, shot: await shot("note") });
  // the note's number links back to the call
  await tap(`[id="${call.target}"] a[role="doc-backlink"]`);
  await settle();
  const again = await visible(call.id);
  if (!again.on) fail("the note's link back did not return to the call");
  report.steps.push({ step: "back to call", where: await where(), shot: await shot("back-to-call") });
  }

  // 4. a glossary link, when the book has a glossary
  const gloss = await page.evaluate(async () => {
    const book = window.reader.book;
    const lm = book.navigation.landmarks.find((l) => l.type.includes("glossary"));
    if (!lm) return null;
    const file = lm.href.split("#")[0].split("/").pop();
    for (const item of book.spine.spineItems) {
      if (item.href.split("/").pop() === file) continue;
      const root = await item.load(book.load.bind(book));
      const doc = root.ownerDocument || root;
      for (const a of doc.querySelectorAll("a[href]")) {
        if (a.closest("nav")) continue;  // the contents and the page list are not glossary links
        const h = a.getAttribute("href");
        if (h.split("#")[0].split("/").pop() === file && h.includes("#")) {
          const target = h.split("#")[1];
          return { href: item.href, cfi: item.cfiFromElement(a), link: h, target,
            text: a.textContent, glossary: file };
        }
      }
    }
    return { glossary: file, link: null };
  });
  if (gloss && gloss.cfi) {
    await page.evaluate((c) => window.reader.rendition.display(c), gloss.cfi);
    await settle();
    report.steps.push({ step: "glossary link", link: gloss, shot: await shot("glossary-link") });
    await tap(`a[href="${gloss.link}"]`);
    await settle();
    const w = await where();
    const entry = await visible(gloss.target);
    if (!w.href.endsWith(gloss.glossary) || !entry.on) fail(`glossary link to ${gloss.target} not followed`);
    // the link lands on the entry: its term and definition (render/glossary.py)
    report.steps.push({ step: "glossary entry", where: w, text: entry.term || entry.text,
      definition: entry.dd || entry.next, shot: await shot("glossary-entry") });
  } else {
    report.steps.push({ step: "glossary", skipped: gloss ? "no link into the glossary" : "no glossary" });
  }

  // 5. "go to page N" from the page list, when the book has one
  const pl = await page.evaluate((label) => {
    const list = (window.reader.book.pageList && window.reader.book.pageList.pageList) || [];
    const it = list.find((p) => p.href.endsWith(`#page-${label}`));
    return { count: list.length, href: it ? it.href : null };
  }, pageLabel);
  if (pl.href) {
    await page.evaluate((h) => window.reader.rendition.display(h), pl.href);
    await settle();
    const m = await visible(pl.href.split("#")[1]);
    if (!m.on) fail(`page ${pageLabel}: its marker is not on the page displayed`);
    report.steps.push({ step: "go to page", label: pageLabel, pages: pl.count, where: await where(),
      shot: await shot(`page-${pageLabel}`) });
  } else {
    report.steps.push({ step: "go to page", skipped: `no page ${pageLabel} in a page list of ${pl.count}` });
  }

  // 6. the contents, two levels down
  const deep = await page.evaluate(() => {
    for (const a of window.reader.book.navigation.toc)
      for (const b of a.subitems || []) for (const c of b.subitems || [])
        return { path: [a.label.trim(), b.label.trim(), c.label.trim()], href: c.href };
    return null;
  });
  if (deep) {
    await page.evaluate((h) => window.reader.rendition.display(h), deep.href);
    await settle();
    const t = await visible(deep.href.split("#")[1]);
    if (!t.on) fail(`the contents entry ${deep.href} is not on the page displayed`);
    report.steps.push({ step: "contents", ...deep, text: t.text, where: await where(), shot: await shot("contents-deep") });
  }
  report.pageErrors = await page.evaluate(() => window.readerErrors);
} catch (e) {
  if (!report.errors.includes(e.message)) report.errors.push(String(e.stack || e));
} finally {
  await browser.close();
  console.log(JSON.stringify(report, null, 1));
  process.exit(report.errors.length ? 1 : 0);
}
