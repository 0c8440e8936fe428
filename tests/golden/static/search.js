/* The search page: Pagefind's UI, loaded after the page has rendered, searching at once
   for ?q= (what the header's search box sends). Reading never needs this script. */
(function () {
  "use strict";
  var root = document.getElementById("site.search");
  if (!root) {
    return;
  }
  var bundle = root.getAttribute("data-bundle");
  var query = new URLSearchParams(window.location.search).get("q") || "";
  var box = document.getElementById("site-search-q");
  if (box) {
    box.value = query;
  }
  document.getElementById("site.search-needs-script").hidden = true;

  var style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = bundle + "pagefind-ui.css";
  document.head.appendChild(style);

  var script = document.createElement("script");
  script.src = bundle + "pagefind-ui.js";
  script.onload = function () {
    var ui = new window.PagefindUI({
      element: root,
      bundlePath: bundle,
      showImages: false,
      showSubResults: true,
      autofocus: !query
    });
    // Pagefind's box has only a placeholder and a title; screen readers need a label
    var input = root.querySelector("input.pagefind-ui__search-input");
    if (input) {
      input.setAttribute("aria-label", root.getAttribute("data-label") || "Search the articles");
    }
    if (query) {
      ui.triggerSearch(query);
    }
  };
  script.onerror = function () {
    document.getElementById("site.search-unavailable").hidden = false;
  };
  document.head.appendChild(script);
})();
