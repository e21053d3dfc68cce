// Open an EPUB in foliate-js (the engine of the Foliate e-book reader) inside headless
// Chromium and use it as a reader would:
//   - a note call pops up the note (foliate's FootnoteHandler), and the note's number
//     leads back to the call;
//   - a glossary link pops up the entry: the term and its definition;
//   - "go to page 42" from the page list lands where printed page 42 begins;
//   - the contents reach an entry two levels down (a section's sub-entry).
// A screenshot is saved at each step.
//
//   node foliate.mjs <url of foliate.html> <screenshot dir> [page label]
//
// The page (foliate.html), foliate-js and the EPUB (book.epub) are served by the
// caller (tests/test_epub_readers.py) from a loopback HTTP server.  Prints one JSON
// report on stdout; exits non-zero on a failed step.  Never downloads a browser:
// Playwright drives Debian's /usr/bin/chromium.

import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const [url, shots, pageLabel = "42"] = process.argv.slice(2);
if (!url || !shots) {
  console.error("usage: node foliate.mjs <url> <screenshot dir> [page label]");
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
  await page.waitForTimeout(800);

  let n = 0;
  const shot = async (name) => {
    n += 1;
    const file = join(shots, `${String(n).padStart(2, "0")}-${name}.png`);
    await page.screenshot({ path: file });
    return file;
  };
  const settle = (ms = 700) => page.waitForTimeout(ms);
  // where the main view is: its section, the toc and page-list entries of the visible page
  const where = () => page.evaluate(() => {
    const { view } = window.reader;
    const loc = view.lastLocation || {};
    const index = view.renderer.getContents()[0]?.index;
    return { section: view.book.sections[index]?.id, toc: loc.tocItem?.label ?? null,
      page: loc.pageItem?.label ?? null };
  });
  // is the element with this id on the visible page of the main view?  And the words
  // from it on (or its text)
  const visible = (id) => page.evaluate((id) => {
    const { view } = window.reader;
    const range = view.lastLocation?.range;
    for (const { doc } of view.renderer.getContents()) {
      const el = doc.getElementById(id);
      if (!el) continue;
      const after = doc.createRange();
      after.setStartBefore(el);
      after.setEnd(doc.body, doc.body.childNodes.length);
      return { found: true, on: !!range && range.intersectsNode(el),
        text: el.textContent.trim().replace(/\s+/g, " "),
        from: after.toString().trim().replace(/\s+/g, " ").slice(0, 200) };
    }
    return { found: false, on: false };
  }, id);
  // click a link of the displayed document (foliate's own click handler takes it)
  const click = (selector) => page.evaluate((sel) => {
    for (const { doc } of window.reader.view.renderer.getContents()) {
      const el = doc.querySelector(sel);
      if (el) { el.click(); return true; }
    }
    return false;
  }, selector);
  const goTo = async (href) => {
    await page.evaluate((h) => window.reader.view.goTo(h), href);
    await settle();
  };
  const popupText = () => page.evaluate(() => window.reader.state.popup);
  const closePopup = () => page.evaluate(() => {
    window.reader.popup.style.display = "none";
    window.reader.state.popup = null;
  });
  // the first link of a kind in the reading order, and what it points at
  const firstLink = (selector) => page.evaluate(async (sel) => {
    const { view } = window.reader;
    const { book } = view;
    for (const [i, section] of book.sections.entries()) {
      if (section.linear === "no") continue;
      const doc = await section.createDocument();
      const a = doc.querySelector(sel);
      if (!a || !a.id) continue;
      const href = section.resolveHref(a.getAttribute("href"));
      const { index, anchor } = book.resolveHref(href);
      const tdoc = await book.sections[index].createDocument();
      const target = anchor(tdoc);
      const squash = (s) => (s || "").trim().replace(/\s+/g, " ");
      return { section: section.id, index: i, id: a.id, href, text: squash(a.textContent),
        target: target?.id ?? null, targetText: squash(target?.textContent),
        term: squash(target?.querySelector?.("dt")?.textContent),
        definition: squash(target?.querySelector?.("dd")?.textContent) };
    }
    return null;
  }, selector);

  report.steps.push({ step: "open", where: await where(), shot: await shot("text-start") });

  // 1. a note pops up, and its number leads back to the call
  const call = await firstLink('a[role~="doc-noteref"]');
  if (!call) fail("no note call in the book");
  await goTo(`${call.section}#${call.id}`);
  if (!(await visible(call.id)).on) fail(`the note call ${call.id} is not on the page shown for it`);
  report.steps.push({ step: "note call", call, shot: await shot("note-call") });
  await click(`[id="${call.id}"]`);
  await settle(1500);
  const note = await popupText();
  if (!note) fail("clicking the note call popped up nothing");
  report.steps.push({ step: "note popup", text: note.text, type: note.type, hidden: note.hidden,
    expected: call.targetText, shot: await shot("note-popup") });
  const backOk = await page.evaluate(() => {
    const doc = window.reader.state.popup?.doc;
    const a = doc?.querySelector('a[role~="doc-backlink"]');
    if (!a) return false;
    a.click();
    return true;
  });
  if (!backOk) fail("the note in the pop-up has no link back");
  await settle(1200);
  const back = await visible(call.id);
  report.steps.push({ step: "back to call", on: back.on, where: await where(), shot: await shot("back-to-call") });
  await closePopup();

  // 2. a glossary link pops up the term and its definition
  const gl = await firstLink('a[role~="doc-glossref"]');
  if (!gl) fail("no glossary link in the book");
  await goTo(`${gl.section}#${gl.id}`);
  report.steps.push({ step: "glossary link", link: gl, on: (await visible(gl.id)).on, shot: await shot("glossary-link") });
  await click(`[id="${gl.id}"]`);
  await settle(1500);
  const entry = await popupText();
  if (!entry) fail("clicking the glossary link popped up nothing");
  report.steps.push({ step: "glossary popup", text: entry.text, term: gl.term, definition: gl.definition,
    shot: await shot("glossary-popup") });
  await closePopup();

  // 3. go to printed page N from the page list
  const item = await page.evaluate((label) => {
    const list = window.reader.view.book.pageList || [];
    const it = list.find((p) => p.label.trim() === label);
    return { count: list.length, href: it?.href ?? null };
  }, pageLabel);
  if (!item.href) fail(`page ${pageLabel} is not in the page list (${item.count} entries)`);
  await goTo(item.href);
  const marker = await visible(item.href.split("#")[1]);
  // the labels of the page-break markers on the visible screen, in order.  foliate's own
  // location (where().page) names the LAST page begun on the screen, so when a printed
  // page holds less than a screen of text the next page's marker shows too and foliate
  // names that one; the page we went to is the first marker shown.
  const shown = await page.evaluate(() => {
    const { view } = window.reader;
    const range = view.lastLocation?.range;
    const labels = [];
    for (const { doc } of view.renderer.getContents())
      for (const el of doc.querySelectorAll('[role="doc-pagebreak"], [*|type~="pagebreak"]'))
        if (range && range.intersectsNode(el))
          labels.push(el.getAttribute("aria-label") ?? el.getAttribute("title") ?? el.textContent.trim());
    return labels;
  });
  report.steps.push({ step: "go to page", label: pageLabel, pages: item.count, href: item.href,
    where: await where(), shown, on: marker.on, from: marker.from, shot: await shot(`page-${pageLabel}`) });

  // 4. the contents, two levels down
  const deep = await page.evaluate(() => {
    const toc = window.reader.view.book.toc || [];
    for (const a of toc) for (const b of a.subitems || []) for (const c of b.subitems || [])
      return { path: [a.label, b.label, c.label], href: c.href, top: toc.length };
    return null;
  });
  if (!deep) fail("the contents have no entry two levels down");
  await goTo(deep.href);
  const at = await visible(deep.href.split("#")[1]);
  report.steps.push({ step: "contents", ...deep, on: at.on, text: at.text, where: await where(),
    shot: await shot("contents-deep") });
  report.pageErrors = await page.evaluate(() => window.readerErrors);
} catch (e) {
  if (!report.errors.includes(e.message)) report.errors.push(String(e.stack || e));
} finally {
  await browser.close();
  console.log(JSON.stringify(report, null, 1));
  process.exit(report.errors.length ? 1 : 0);
}
