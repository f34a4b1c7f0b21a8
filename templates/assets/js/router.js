/*
 * The hash router: the page state lives in the URL hash (#view=attention&layer=3&head=5&token=2&t=0.8), so
 * every view can be linked to, survives reload, and works under file://. Views read state with get() and
 * change it with set(); listeners hear every change, whether it comes from a view, a link, the user editing
 * the URL, or the back and forward buttons.
 *
 * History: changing where you are (view, layer, head, token, ...) adds a history entry, so back and forward
 * step through what you looked at; dragging a slider (temperature, top-k, top-p, generation step) only
 * replaces the current entry, so one drag is not fifty entries.
 *
 * The language switcher (a[data-switch-to]) always points at the same page in the other language with the
 * current hash, so switching language keeps the view.
 */
(function (GPT2X) {
  'use strict';

  /** Keys a slider changes: replaced in place (no history entry per step); a change to any other key is a new place in the history. */
  var SLIDER_KEYS = { t: true, k: true, p: true, step: true };

  /**
   * The overview's zoom (level=block|op, and the open op) is a place inside the overview: a change to another view
   * that does not name a level leaves it, so coming back to the overview later shows the overview, not the zoom.
   */
  function leavesZoom(changes) {
    return Object.prototype.hasOwnProperty.call(changes, 'view') && changes.view && changes.view !== 'overview'
      && !Object.prototype.hasOwnProperty.call(changes, 'level');
  }

  var listeners = [];
  var state = {};

  function parse(hash) {
    var out = {};
    var h = String(hash || '').replace(/^#/, '');
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

  function clean(s) {
    var out = {};
    Object.keys(s).forEach(function (k) {
      if (s[k] !== undefined && s[k] !== null && s[k] !== '') { out[k] = String(s[k]); }
    });
    return out;
  }

  /** The keys whose values differ between two states, with their new values (undefined when removed). */
  function diff(before, after) {
    var changes = {};
    Object.keys(before).concat(Object.keys(after)).forEach(function (k) {
      if (before[k] !== after[k]) { changes[k] = after[k]; }
    });
    return changes;
  }

  function updateSwitcher() {
    var h = serialise(state);
    document.querySelectorAll('a[data-switch-to]').forEach(function (a) {
      a.setAttribute('href', a.getAttribute('data-switch-to') + (h ? '#' + h : ''));
    });
  }

  function notify(changes) {
    updateSwitcher();
    listeners.forEach(function (f) { f(state, changes); });
  }

  function write(h, push) {
    var url = h ? '#' + h : window.location.pathname + window.location.search;
    try {
      if (push) {
        window.history.pushState(null, '', url);
      } else {
        window.history.replaceState(null, '', url);
      }
    } catch (e) {
      // Some browsers refuse history writes for file:// pages; the hash itself always works (the
      // hashchange it fires is recognised below as the state we already hold).
      window.location.hash = h;
    }
  }

  /** Re-reads the state from the URL (back, forward, a typed or clicked hash) without adding history. */
  function fromUrl() {
    var next = clean(parse(window.location.hash));
    if (serialise(next) === serialise(state)) { return; }
    var changes = diff(state, next);
    state = next;
    notify(changes);
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

    /** The whole state as a hash string without '#', keys sorted (what the URL holds). */
    hash: function () { return serialise(state); },

    /**
     * Merges `changes` into the state and the URL (undefined or '' removes a key). A change to a place key
     * adds a history entry; slider keys replace the current one. options.replace forces replacing.
     */
    set: function (changes, options) {
      var next = {};
      Object.keys(state).forEach(function (k) { next[k] = state[k]; });
      Object.keys(changes).forEach(function (k) { next[k] = changes[k]; });
      if (leavesZoom(changes)) { next.level = undefined; next.op = undefined; }
      next = clean(next);
      var actual = diff(state, next);
      var keys = Object.keys(actual);
      if (keys.length === 0) { return; }
      var push = !(options && options.replace) && keys.some(function (k) { return !SLIDER_KEYS[k]; });
      state = next;
      write(serialise(state), push);
      notify(actual);
    },

    listen: function (f) { listeners.push(f); },

    start: function () {
      state = clean(parse(window.location.hash));
      window.addEventListener('popstate', fromUrl);
      window.addEventListener('hashchange', fromUrl);
      // In-page state links (href="#view=attention") merge into the state instead of replacing it, so
      // jumping to a section keeps the chosen layer, head and temperature.
      document.addEventListener('click', function (e) {
        var a = e.target && e.target.closest ? e.target.closest('a[href^="#"]') : null;
        if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) { return; }
        var href = a.getAttribute('href');
        if (href.indexOf('=') < 0) { return; } // a plain anchor such as the skip link
        e.preventDefault();
        GPT2X.router.set(parse(href));
      });
      updateSwitcher();
    }
  };
}(window.GPT2X));
