// Serve's live explainer: the "try your own prompt" box. The server adds this script to the pages it serves;
// the site's files never name it, so a site opened from disk or another server has no box. The box only
// navigates to /live?... (GET, which runs nothing by itself); the page there asks the server to compute.
(function () {
  "use strict";
  var script = document.currentScript;
  function start() {
    // The words are the site's UI strings (live.box.* in templates/i18n), loaded by the page as every string is.
    var site = window.GPT2X;
    if (!site || typeof site.t !== "function" || site.t("live.box.summary") === "live.box.summary") {
      return; // a site built before the box's strings existed: no box
    }
    var t = {};
    ["summary", "prompt", "explain", "more", "temperatures", "topK", "topP", "newTokens", "id", "share", "keep",
      "placeholder", "note"].forEach(function (k) { t[k] = site.t("live.box." + k); });
    var lang = site.lang || document.body.getAttribute("data-lang");
    var current = new URLSearchParams(script && script.getAttribute("data-query") || "");
    var header = document.querySelector("header.site-header");
    if (!header) { return; }

    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = "/__live/live.css";
    document.head.appendChild(css);

    var frame = document.createElement("div");
    frame.className = "wrap live-frame";
    var box = document.createElement("details");
    box.className = "live-box";
    frame.appendChild(box);
    if (current.has("prompt")) { box.open = true; }
    var summary = document.createElement("summary");
    summary.textContent = t.summary;
    box.appendChild(summary);

    var form = document.createElement("form");
    form.className = "live-form";
    form.setAttribute("action", "/live");
    form.setAttribute("method", "get");
    function field(name, label, kind, attrs) {
      var wrap = document.createElement("label");
      wrap.className = "live-field live-field-" + name.replace(/_/g, "-");
      var span = document.createElement("span");
      span.textContent = label;
      wrap.appendChild(span);
      var input = document.createElement(kind === "textarea" ? "textarea" : "input");
      input.name = name;
      if (kind !== "textarea") { input.type = kind; }
      Object.keys(attrs || {}).forEach(function (k) { input.setAttribute(k, attrs[k]); });
      if (current.has(name)) { input.value = current.get(name); }
      wrap.appendChild(input);
      return wrap;
    }
    form.appendChild(field("prompt", t.prompt, "textarea", { rows: "2", required: "required", placeholder: t.placeholder }));
    var more = document.createElement("fieldset");
    more.className = "live-settings";
    var legend = document.createElement("legend");
    legend.textContent = t.more;
    more.appendChild(legend);
    more.appendChild(field("temperatures", t.temperatures, "text", { inputmode: "decimal", placeholder: "0, 0.8" }));
    more.appendChild(field("top_k", t.topK, "number", { min: "1", step: "1" }));
    more.appendChild(field("top_p", t.topP, "number", { min: "0", max: "1", step: "any" }));
    more.appendChild(field("max_new_tokens", t.newTokens, "number", { min: "1", step: "1" }));
    more.appendChild(field("id", t.id, "text", { pattern: "[a-z0-9][a-z0-9\\-]*", maxlength: "64", spellcheck: "false" }));
    form.appendChild(more);
    var button = document.createElement("button");
    button.type = "submit";
    button.textContent = t.explain;
    form.appendChild(button);
    // The site's pages forbid form submission (form-action 'none'): the box navigates instead.
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var params = new URLSearchParams();
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && el.value.trim() !== "" || el.name === "prompt") { params.set(el.name, el.value); }
      });
      params.set("lang", lang);
      window.location.assign("/live?" + params.toString());
    });
    box.appendChild(form);

    if (current.has("prompt")) {
      var links = document.createElement("p");
      links.className = "live-links";
      var note = document.createElement("span");
      note.textContent = t.note + " ";
      links.appendChild(note);
      var share = document.createElement("a");
      share.href = "/live?" + current.toString();
      share.textContent = t.share;
      links.appendChild(share);
      links.appendChild(document.createTextNode(" · "));
      var keep = document.createElement("a");
      keep.href = "/live/keep?" + current.toString();
      keep.textContent = t.keep;
      links.appendChild(keep);
      box.appendChild(links);
    }
    header.insertAdjacentElement("afterend", frame);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
