// Serve's live explainer pages (/live and /live/keep): posts the request with this server start's token and
// shows what comes back. Every text from the server goes in with textContent.
(function () {
  "use strict";
  var main = document.querySelector("main.live-page[data-action]");
  if (!main) { return; }
  var t = JSON.parse(main.getAttribute("data-words")); // the page language's live.progress.* UI strings
  var status = main.querySelector(".live-status");
  var bar = main.querySelector(".live-progress");
  var button = main.querySelector(".live-start");
  function say(text) { status.textContent = text; }
  function body() {
    var params = new URLSearchParams(main.getAttribute("data-query"));
    var id = main.querySelector(".live-id");
    if (id) { params.set("id", id.value.trim()); }
    params.set("token", main.getAttribute("data-token"));
    return params.toString();
  }
  function post(path) {
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body(),
      credentials: "same-origin"
    });
  }
  function show(message) {
    if (message.error) {
      status.classList.add("live-error");
      say(t.failed + " " + message.error);
      if (bar) { bar.hidden = true; }
      if (button) { button.hidden = false; button.disabled = false; }
      return;
    }
    if (message.phase && t[message.phase]) { say(t[message.phase]); }
    if (message.step !== undefined && bar) {
      bar.max = message.total;
      bar.value = message.step;
      say(t.step.replace("{done}", message.step).replace("{total}", message.total));
    }
    if (message.page) {
      say(t.done);
      window.location.replace(message.page);
    }
  }
  function run() {
    if (button) { button.hidden = true; }
    if (bar) { bar.hidden = false; bar.removeAttribute("value"); }
    status.classList.remove("live-error");
    say(t.queued);
    post("/live/run").then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === 0) {
        return response.json().then(show);
      }
      if (type.indexOf("application/x-ndjson") !== 0 || !response.body) {
        return response.text().then(function (text) { show({ error: text.trim() }); });
      }
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var pending = "";
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) { return; }
          pending += decoder.decode(chunk.value, { stream: true });
          var lines = pending.split("\n");
          pending = lines.pop();
          lines.filter(Boolean).forEach(function (line) { show(JSON.parse(line)); });
          return pump();
        });
      }
      return pump();
    }).catch(function () { show({ error: t.lost }); });
  }
  function keep() {
    button.disabled = true;
    status.classList.remove("live-error");
    post("/live/keep").then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") !== 0) {
        return response.text().then(function (text) { show({ error: text.trim() }); });
      }
      return response.json().then(function (message) {
        if (message.written) { say(t.kept.replace("{file}", message.written)); } else { show(message); }
      });
    }).catch(function () { show({ error: t.lost }); });
  }
  var action = main.getAttribute("data-action");
  if (action === "run") {
    button.addEventListener("click", run);
    if (main.getAttribute("data-auto") === "true") { run(); }
  } else if (action === "keep") {
    button.addEventListener("click", keep);
  }
})();
