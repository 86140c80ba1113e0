/* The search page: Pagefind's interface over the site's index, no outside requests.
   The search box of every page sends its words here as ?q=; a page in another language
   than the site's adds &lang=, and the index of that language is searched (Pagefind picks
   the index from <html lang>, so it is set before the interface starts). */
(function () {
  "use strict";
  var root = document.documentElement;
  var params = new URLSearchParams(window.location.search);
  var known = (root.getAttribute("data-languages") || "").split(" ");
  var lang = params.get("lang");
  if (lang && known.indexOf(lang) >= 0 && lang !== root.getAttribute("lang")) {
    // The page around the results keeps its own language and direction.
    var own = document.querySelectorAll(".masthead, .colophon, .page-title, .skip");
    for (var i = 0; i < own.length; i++) {
      own[i].setAttribute("lang", root.getAttribute("lang"));
      own[i].setAttribute("dir", root.getAttribute("dir") || "ltr");
    }
    root.setAttribute("lang", lang);
    var rtl = (root.getAttribute("data-rtl-languages") || "").split(" ");
    root.setAttribute("dir", rtl.indexOf(lang) >= 0 ? "rtl" : "ltr");
  }
  if (typeof PagefindUI === "undefined") {
    return;
  }
  // The index is in parts (a thousand articles or so each), searched as one: the first
  // part's bundle is Pagefind's own, the others are merged into it.
  var bundles = (document.getElementById("search").getAttribute("data-bundles") || "")
    .split(" ")
    .filter(Boolean);
  var ui = new PagefindUI({
    element: "#search",
    baseUrl: "/", // the index holds site paths, base_url's sub-path included
    bundlePath: bundles[0],
    mergeIndex: bundles.slice(1).map(function (path) {
      return { bundlePath: path };
    }),
    showSubResults: true,
    showImages: false,
    resetStyles: false,
    autofocus: !params.get("q")
  });
  // Pagefind's box is labelled only by its title: the page's heading is its visible label.
  var label = function () {
    var input = document.querySelector("#search input[type=text], #search input[type=search]");
    if (input) {
      input.setAttribute("aria-labelledby", "search-title");
    }
    return Boolean(input);
  };
  if (!label()) {
    new MutationObserver(function (changes, observer) {
      if (label()) {
        observer.disconnect();
      }
    }).observe(document.getElementById("search"), { childList: true, subtree: true });
  }
  var query = params.get("q");
  if (query) {
    ui.triggerSearch(query);
  }
})();
