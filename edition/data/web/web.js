/* The web edition's script (render/web.py).  Everything works without it: a note call
   leads to the note at the end of the page, a glossary term to its entry, the page box to
   the page list.  With it, notes and definitions open in place, the page box goes
   straight to the page, and the search page asks the Pagefind index. */
(function () {
  "use strict";
  var pop = document.getElementById("pop");
  var opener = null;

  function show(title, nodes, from) {
    if (!pop || !pop.showPopover) { return false; }
    pop.querySelector(".pop-title").textContent = title;
    var body = pop.querySelector(".pop-body");
    body.replaceChildren.apply(body, nodes);
    opener = from;
    if (pop.matches(":popover-open")) { pop.hidePopover(); }
    pop.showPopover();
    pop.querySelector(".pop-close").focus();
    return true;
  }
  if (pop) {
    pop.addEventListener("toggle", function (e) {
      if (e.newState === "closed" && opener) { opener.focus(); opener = null; }
    });
  }

  /* a note call: the note, in place, saying whose it is */
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a.noteref, a.gl[title], a.gl-xref[title]");
    if (!a) { return; }
    if (a.classList.contains("noteref")) {
      var note = document.getElementById(decodeURIComponent(a.hash.slice(1)));
      if (!note) { return; }
      var copy = note.cloneNode(true);
      copy.removeAttribute("id");
      copy.querySelectorAll("[id]").forEach(function (n) { n.removeAttribute("id"); });
      var back = copy.querySelector("a.note-number");
      if (back) {  /* "3. " before the note: the title says it */
        var after = back.nextSibling;
        if (after && after.nodeType === 3) { after.textContent = after.textContent.replace(/^\.\s*/, ""); }
        back.remove();
      }
      var kind = copy.querySelector(".note-kind");
      if (kind) { kind.remove(); }
      if (show(a.getAttribute("data-title") || a.textContent, Array.from(copy.childNodes), a)) {
        e.preventDefault();
      }
      return;
    }
    /* a glossary term: its definition and the way to its entry */
    var p = document.createElement("p");
    p.textContent = a.getAttribute("title");
    var link = document.createElement("a");
    link.href = a.getAttribute("href");
    link.textContent = document.body.getAttribute("data-glossary-entry") || "Glossary";
    var more = document.createElement("p");
    more.appendChild(link);
    if (show(a.textContent, [p, more], a)) { e.preventDefault(); }
  });

  /* go to a printed page */
  var pages = window.EDITION_PAGES || {};
  function goTo(label, input) {
    label = String(label || "").trim().replace(/^p(age)?\.?\s*/i, "");
    var href = pages[label] || pages[label.toLowerCase()];
    if (href) { window.location.href = href; return true; }
    if (input) {
      input.setCustomValidity((document.body.getAttribute("data-no-page") || "{page}").replace("{page}", label));
      input.reportValidity();
    }
    return false;
  }
  document.querySelectorAll("form.goto").forEach(function (form) {
    var input = form.querySelector("input");
    input.addEventListener("input", function () { input.setCustomValidity(""); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      goTo(input.value, input);
    });
  });
  var asked = new URLSearchParams(window.location.search).get("page");
  if (asked && document.querySelector("nav.page-list, #pages-none")) { goTo(asked, document.getElementById("goto-page")); }

  /* the search page */
  var results = document.getElementById("search-results");
  if (!results) { return; }
  var status = document.getElementById("search-status");
  var field = document.getElementById("search-q");
  var q = new URLSearchParams(window.location.search).get("q") || "";
  field.value = q;
  status.textContent = "";
  if (!q.trim()) { return; }
  function passage(data) {
    /* the passage: the element with an id nearest before the first match; its page */
    var first = (data.locations && data.locations.length) ? data.locations[0] : 0;
    var at = null, page = null;
    (data.anchors || []).forEach(function (an) {
      if (an.location > first) { return; }
      if (/^page-/.test(an.id)) { page = an.id.slice(5); } else { at = an.id; }
    });
    return { id: at, page: page };
  }
  import("../pagefind/pagefind.js")  /* beside assets/: relative to this script */.then(function (pagefind) {
    return pagefind.search(q).then(function (search) {
      return Promise.all(search.results.slice(0, 30).map(function (r) { return r.data(); }));
    });
  }).then(function (found) {
    status.textContent = found.length
      ? (status.getAttribute("data-count") || "{count}").replace("{count}", found.length)
      : status.getAttribute("data-none");
    found.forEach(function (data) {
      var where = passage(data);
      var url = data.url.replace(/^\//, "").replace(/#.*$/, "") + (where.id ? "#" + where.id : "");
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = url;
      a.textContent = (data.meta && data.meta.title) || url;
      li.appendChild(a);
      if (where.page) {
        var pg = document.createElement("span");
        pg.className = "result-page";
        pg.textContent = " (p.\u2009" + where.page + ")";
        li.appendChild(pg);
      }
      var ex = document.createElement("p");
      ex.innerHTML = data.excerpt;  /* Pagefind's excerpt: the page's text escaped, <mark> added */
      li.appendChild(ex);
      results.appendChild(li);
    });
  }).catch(function () {
    status.textContent = status.getAttribute("data-offline");
  });
})();
