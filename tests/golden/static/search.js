/* The search page: Pagefind's search API over the shards of the index (pagefind/shards.json),
   merged into one search. Searches as the reader types, and at once for ?q= (what the
   header's search box sends). Reading never needs this script.

   - Common words ("a", "to", "for"...) are left out of the search, so they neither narrow
     it nor get highlighted; a query made of nothing else is searched as written.
   - Pagefind finds the articles with every word. When none has them all, the articles with
     most of them are shown, saying so and naming the words each leaves out.
   - Each result shows its title, date, category and summary (the metadata the theme marks),
     then the passage that matched.
   - Filter names and values come from the index HTML-escaped (skillsite escapes them for
     Pagefind's own UI): they are decoded once and shown as text, never as HTML.
   - Each shard is one language's index. A query without Chinese, Japanese or Korean
     characters leaves those shards out: their word segmentation cuts Latin words into
     letters, which would match any page. A page found in two shards' answers is shown once. */
(function () {
  "use strict";
  var root = document.getElementById("site.search");
  if (!root) {
    return;
  }
  var bundle = root.getAttribute("data-bundle");
  var box = document.getElementById("site.search-box");
  var form = root.querySelector("form");
  var count = document.getElementById("site.search-count");
  var note = document.getElementById("site.search-note");
  var list = document.getElementById("site.search-results");
  var more = document.getElementById("site.search-more");
  var header = document.getElementById("site-search-q");
  var PAGE = 10;
  var MAX_WORDS = 8;
  var RANKING = { metaWeights: { title: 6, summary: 3, tags: 3, category: 1.5, audience: 1.5, date: 0 } };
  var STOP = new Set(("a about above after again against all am an and any are as at be because been before being " +
    "below between both but by can could did do does doing down during each few for from further had has have " +
    "having he her here hers herself him himself his how i if in into is it its itself just me more most my " +
    "myself no nor not now of off on once only or other our ours ourselves out over own same she should so some " +
    "such than that the their theirs them themselves then there these they this those through to too under " +
    "until up very was we were what when where which while who whom why will with would you your yours " +
    "yourself yourselves i'm it's don't can't get").split(" "));

  var LANGUAGE = "skillsite-language";
  var CJK_LANGUAGES = ["zh", "ja", "ko", "yue"];
  var CJK_TEXT = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/;

  var pagefind = null;
  var otherLanguages = [];  // the languages of the shards that are not CJK
  var cjkShards = false;
  var selects = [];
  var shown = { results: [], next: 0, left: {} };
  var generation = 0;

  document.getElementById("site.search-needs-script").hidden = true;
  box.value = new URLSearchParams(window.location.search).get("q") || "";
  if (header) {
    header.value = box.value;
  }

  function unavailable() {
    root.hidden = true;
    document.getElementById("site.search-unavailable").hidden = false;
  }

  /* Text Pagefind holds as HTML (filter names and values), as the text it stands for. */
  function decoded(html) {
    var area = document.createElement("textarea");
    area.innerHTML = html;
    return area.value;
  }

  function words(query) {
    return query.trim().split(/\s+/).filter(Boolean);
  }

  function chosenFilters() {
    var filters = {};
    selects.forEach(function (select) {
      if (select.value) {
        filters[select.getAttribute("data-filter")] = select.value;
      }
    });
    return filters;
  }

  /* The filters chosen, and which shards' languages the query is searched in. */
  function withLanguages(query, filters) {
    if (!cjkShards || CJK_TEXT.test(query)) {
      return filters;
    }
    var narrowed = Object.assign({}, filters);
    narrowed[LANGUAGE] = { any: otherLanguages };
    return narrowed;
  }

  /* Each page once, at its best score (a CJK query can find a page in several parts). */
  function once(results) {
    var best = {};
    results.forEach(function (result) {
      if (!best[result.id] || best[result.id].score < result.score) {
        best[result.id] = result;
      }
    });
    return Object.keys(best).map(function (id) { return best[id]; }).sort(function (a, b) { return b.score - a.score; });
  }

  /* {results, left, used, most}: the articles with every word, ranked by the sum of each
     word's score; when none has them all, those with most of them (at least half), the
     most words first. Each word is searched on its own too: an index leaves a word it has
     never seen out of a search of several words, and would answer for the others alone. */
  async function find(query, chosen) {
    var filters = withLanguages(query, chosen);
    var all = words(query).slice(0, MAX_WORDS);
    var exact = /^\s*".+"\s*$/.test(query);
    var meaningful = exact ? all : all.filter(function (word) { return !STOP.has(word.toLowerCase()); });
    var used = meaningful.length ? meaningful : all;
    if (exact || used.length < 2) {
      var found = await pagefind.search(exact ? query : used.join(" "), { filters: filters });
      return { results: once(found.results), left: {}, used: used, most: false };
    }
    var searches = await Promise.all([used.join(" ")].concat(used).map(function (some) {
      return pagefind.search(some, { filters: filters });
    }));
    var together = {};  // a page's result for all the words at once: its excerpt marks them all
    once(searches[0].results).forEach(function (result) { together[result.id] = result; });
    var pages = {};
    searches.slice(1).forEach(function (search, i) {
      once(search.results).forEach(function (result) {
        var page = pages[result.id] = pages[result.id] || { result: result, score: 0, words: [] };
        page.words.push(used[i]);
        page.score += result.score;
      });
    });
    var ranked = Object.keys(pages).map(function (id) { return pages[id]; });
    var complete = ranked.filter(function (page) { return page.words.length === used.length; });
    var kept = complete.length ? complete
      : ranked.filter(function (page) { return page.words.length >= Math.ceil(used.length / 2); });
    kept.sort(function (a, b) { return b.words.length - a.words.length || b.score - a.score; });
    var left = {};
    kept.forEach(function (page) {
      left[page.result.id] = used.filter(function (word) { return page.words.indexOf(word) < 0; });
    });
    return { results: kept.map(function (page) { return together[page.result.id] || page.result; }), left: left,
      used: used, most: !complete.length && kept.length > 0 };
  }

  function element(name, className, text) {
    var made = document.createElement(name);
    if (className) {
      made.className = className;
    }
    if (text) {
      made.textContent = text;
    }
    return made;
  }

  /* Pagefind's excerpt (HTML, its text escaped, matches in <mark>), with common words unmarked. */
  function excerpt(html) {
    var holder = element("p", "search-excerpt");
    holder.innerHTML = html;
    holder.querySelectorAll("mark").forEach(function (mark) {
      if (STOP.has(mark.textContent.toLowerCase())) {
        mark.replaceWith(document.createTextNode(mark.textContent));
      }
    });
    return holder;
  }

  function card(data, leftOut) {
    var meta = data.meta || {};
    var item = element("li", "search-result");
    var article = element("article", "card");
    var title = element("h2", "card-title");
    var link = element("a", "", meta.title || data.url);
    link.href = data.url;
    title.appendChild(link);
    if (meta.lang) {
      title.lang = meta.lang;
    }
    article.appendChild(title);
    var facts = [meta.date, meta.category].filter(Boolean).join(" · ");
    if (facts) {
      article.appendChild(element("p", "meta", facts));
    }
    if (meta.summary) {
      var summary = element("p", "summary", meta.summary);
      if (meta.lang) {
        summary.lang = meta.lang;
      }
      article.appendChild(summary);
    }
    if (data.excerpt && data.excerpt.indexOf("<mark>") >= 0) {
      article.appendChild(excerpt(data.excerpt));
    }
    if (leftOut && leftOut.length) {
      article.appendChild(element("p", "meta", "Without: " + leftOut.join(", ")));
    }
    item.appendChild(article);
    return item;
  }

  async function showMore(current) {
    var slice = shown.results.slice(shown.next, shown.next + PAGE);
    shown.next += slice.length;
    var datas = await Promise.all(slice.map(function (result) { return result.data(); }));
    if (current !== generation) {
      return;
    }
    datas.forEach(function (data, i) {
      list.appendChild(card(data, shown.left[slice[i].id]));
    });
    more.hidden = shown.next >= shown.results.length;
  }

  async function search() {
    var current = ++generation;
    var query = box.value;
    var filters = chosenFilters();
    var address = new URL(window.location.href);
    address.searchParams.set("q", query);
    window.history.replaceState(null, "", address.pathname + address.search);
    if (!words(query).length && !Object.keys(filters).length) {
      list.replaceChildren();
      count.textContent = "";
      note.hidden = true;
      more.hidden = true;
      return;
    }
    var found = words(query).length ? await find(query, filters)
      : { results: once((await pagefind.search(null, { filters: filters })).results), left: {}, used: [], most: false };
    if (current !== generation) {
      return;
    }
    shown = { results: found.results, next: 0, left: found.left };
    list.replaceChildren();
    var n = found.results.length;
    count.textContent = n === 0 ? "No articles found." : n + (n === 1 ? " article found." : " articles found.");
    note.hidden = !found.most;
    if (found.most) {
      note.textContent = "No article has all of the words \u201c" + found.used.join(" ") +
        "\u201d. These articles have most of them.";
    }
    await showMore(current);
  }

  function addFilters(available) {
    Object.keys(available).filter(function (name) { return name !== LANGUAGE; }).sort().forEach(function (name) {
      var values = Object.keys(available[name]).sort(function (a, b) {
        return decoded(a).localeCompare(decoded(b));
      });
      if (!values.length) {
        return;
      }
      var label = element("label", "search-filter", decoded(name));
      var select = element("select");
      select.setAttribute("data-filter", name);
      select.appendChild(element("option", "", "Any")).value = "";
      values.forEach(function (value) {
        var option = element("option", "", decoded(value) + " (" + available[name][value] + ")");
        option.value = value;
        select.appendChild(option);
      });
      select.addEventListener("change", search);
      label.appendChild(select);
      form.appendChild(label);
      selects.push(select);
    });
  }

  async function start() {
    try {
      var loaded = await Promise.all([import(bundle + "pagefind.js"),
        fetch(bundle + "shards.json").then(function (answer) {
          if (!answer.ok) {
            throw new Error("no shards.json");
          }
          return answer.json();
        })]);
      pagefind = loaded[0];
      var shards = loaded[1].shards;
      if (!shards.length) {
        throw new Error("an empty index");
      }
      shards.forEach(function (shard) {
        var cjk = CJK_LANGUAGES.indexOf(shard.language) >= 0;
        cjkShards = cjkShards || cjk;
        if (!cjk && otherLanguages.indexOf(shard.language) < 0) {
          otherLanguages.push(shard.language);
        }
      });
      function merged(shard) {
        var filter = {};
        filter[LANGUAGE] = shard.language;
        return { ranking: RANKING, excerptLength: 24, mergeFilter: filter };
      }
      await pagefind.options(Object.assign({ basePath: bundle + shards[0].path }, merged(shards[0])));
      await pagefind.init();
      await Promise.all(shards.slice(1).map(function (shard) {
        return pagefind.mergeIndex(bundle + shard.path, Object.assign({ language: shard.language }, merged(shard)));
      }));
    } catch (error) {
      unavailable();
      return;
    }
    root.hidden = false;
    addFilters(await pagefind.filters());
    var waiting = null;
    box.addEventListener("input", function () {
      clearTimeout(waiting);
      waiting = setTimeout(search, 250);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(waiting);
      search();
    });
    more.addEventListener("click", function () { showMore(generation); });
    if (box.value) {
      await search();
    } else {
      box.focus();
    }
  }

  start();
})();
