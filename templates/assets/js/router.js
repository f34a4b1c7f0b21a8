/*
 * The hash router: the page state lives in the URL hash (#view=attention&layer=3&head=5), so a view can be
 * linked to, survives reload, and works under file://. Views read state with get() and change it with set();
 * listeners hear every change, whether from a view or from the user editing the URL.
 */
(function (GPT2X) {
  'use strict';

  var listeners = [];
  var state = {};
  var writing = false;

  function parse() {
    var out = {};
    var h = window.location.hash.replace(/^#/, '');
    if (!h) { return out; }
    h.split('&').forEach(function (pair) {
      var i = pair.indexOf('=');
      if (i > 0) {
        try {
          out[decodeURIComponent(pair.slice(0, i))] = decodeURIComponent(pair.slice(i + 1));
        } catch (e) { /* a malformed escape in a hand-edited URL: ignore that pair */ }
      }
    });
    return out;
  }

  function serialise(s) {
    return Object.keys(s).sort().filter(function (k) { return s[k] !== undefined && s[k] !== null && s[k] !== ''; })
      .map(function (k) { return encodeURIComponent(k) + '=' + encodeURIComponent(s[k]); }).join('&');
  }

  GPT2X.router = {
    get: function (key, fallback) {
      return Object.prototype.hasOwnProperty.call(state, key) ? state[key] : fallback;
    },

    /** An integer from the state, clamped to [min, max]; fallback when absent or not a number. */
    int: function (key, fallback, min, max) {
      var v = parseInt(GPT2X.router.get(key, ''), 10);
      if (Number.isNaN(v)) { return fallback; }
      return Math.max(min, Math.min(max, v));
    },

    /** Merges `changes` into the state and the URL (replaceState: no history entry per slider move). */
    set: function (changes) {
      Object.keys(changes).forEach(function (k) { state[k] = changes[k] === undefined ? undefined : String(changes[k]); });
      var h = serialise(state);
      writing = true;
      if (window.history && window.history.replaceState) {
        try {
          window.history.replaceState(null, '', h ? '#' + h : window.location.pathname + window.location.search);
        } catch (e) {
          window.location.hash = h;
        }
      } else {
        window.location.hash = h;
      }
      writing = false;
      listeners.forEach(function (f) { f(state, changes); });
    },

    listen: function (f) { listeners.push(f); },

    start: function () {
      state = parse();
      window.addEventListener('hashchange', function () {
        if (writing) { return; }
        var next = parse();
        state = next;
        listeners.forEach(function (f) { f(state, next); });
      });
    }
  };
}(window.GPT2X));
