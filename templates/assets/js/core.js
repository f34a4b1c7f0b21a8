/*
 * GPT2X core: the one global of the site. Data files and string files are classic scripts that call
 * GPT2X.receive / GPT2X.receiveStrings, so they load with <script src> under file:// (where fetch() is
 * blocked) and under a Content-Security-Policy of script-src 'self'. No eval, no inline script.
 */
(function (global) {
  'use strict';

  var data = {};          // key -> payload
  var waiting = {};       // key -> [resolve]
  var requested = {};     // key -> Promise
  var strings = {};
  var views = {};
  var viewOrder = [];     // view names in registration (script) order
  var handlers = {};      // event name -> [f(value)]

  var tipAnchor = null;    // the element a tip was shown beside (tap, keyboard focus), else null

  /** Puts the tip beside the point (x, y), flipped to the other side where it would leave the window. */
  function placeTip(tip, x0, y0) {
    var x = x0 + 14, y = y0 + 14;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > window.innerWidth - 8) { x = x0 - w - 14; }
    if (y + h > window.innerHeight - 8) { y = y0 - h - 14; }
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  }

  /**
   * On scroll: a tip beside the focused element follows it (focusing an element below the fold scrolls the page
   * after the focus handler showed the tip); any other tip would point at the wrong place, so it hides.
   */
  function followOrHide() {
    var tip = document.getElementById('gpt2x-tip');
    if (tip && !tip.hidden && tipAnchor && tipAnchor === document.activeElement) {
      var r = tipAnchor.getBoundingClientRect();
      placeTip(tip, r.right, r.bottom);
    } else {
      GPT2X.untip();
    }
  }

  function part(owner, name) {
    return { key: owner + '/' + name, path: 'data/' + owner + '/' + name + '.js' };
  }

  var GPT2X = {
    views: views,

    /** Called by data files: GPT2X.receive("<prompt-id>/<part>", {...}). */
    receive: function (key, payload) {
      data[key] = payload;
      (waiting[key] || []).forEach(function (resolve) { resolve(payload); });
      delete waiting[key];
    },

    /** Called by assets/i18n/<lang>.js. */
    receiveStrings: function (lang, table) {
      strings = table;
      GPT2X.lang = lang;
    },

    /** The payload of `key`, or undefined when it has not arrived. */
    get: function (key) { return data[key]; },

    /**
     * The payload of `key`, loading `path` (relative to the site root) with a script element when it has
     * not arrived yet. Resolves once the file has called receive(key, ...).
     */
    require: function (key, path) {
      if (data[key]) { return Promise.resolve(data[key]); }
      if (requested[key]) { return requested[key]; }
      requested[key] = new Promise(function (resolve, reject) {
        (waiting[key] = waiting[key] || []).push(resolve);
        var s = document.createElement('script');
        s.src = GPT2X.root() + path;
        s.onerror = function () {
          delete requested[key];
          reject(new Error(GPT2X.t('error.load', { file: path })));
        };
        document.head.appendChild(s);
      });
      return requested[key];
    },

    root: function () { return document.body.getAttribute('data-root') || ''; },

    /**
     * Where the generator writes each data part (site/SiteLayout.java; DataPathsBrowserTest checks both agree
     * and that the files exist): part "<owner>/<name>" is the file data/<owner>/<name>.js, which calls
     * GPT2X.receive("<owner>/<name>", ...). Views load data only through these, never with a path of their own.
     */
    data: {
      main: function (id) { return part(id, 'main'); },
      model: function (id) { return part(id, 'model'); },
      attention: function (id, layer) { return part(id, 'attn-' + layer); },
      layer: function (id, layer) { return part(id, 'layer-' + layer); },
      heads: function (id) { return part(id, 'heads'); },
      insight: function (id) { return part(id, 'insight'); },
      compareIndex: function () { return part('compare', 'index'); },
      compareAttention: function (layer) { return part('compare', 'attn-' + layer); }
    },

    /** The payload of a data part ({key, path} from GPT2X.data), loading its file when needed (a Promise). */
    load: function (p) { return GPT2X.require(p.key, p.path); },

    /** A UI string with {name} placeholders filled in; the key itself when missing (visible, not silent). */
    t: function (key, vars) {
      var s = Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : key;
      if (vars) {
        s = s.replace(/\{(\w+)\}/g, function (m, name) {
          return Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : m;
        });
      }
      return s;
    },

    /** Decodes {dtype, shape, b64} into a Float32Array (f16 and f32, little-endian; infinities kept). */
    decode: function (arr) {
      var bin = global.atob(arr.b64);
      var n = bin.length;
      var bytes = new Uint8Array(n);
      for (var i = 0; i < n; i++) { bytes[i] = bin.charCodeAt(i); }
      var view = new DataView(bytes.buffer);
      var out;
      if (arr.dtype === 'f32') {
        out = new Float32Array(n / 4);
        for (var j = 0; j < out.length; j++) { out[j] = view.getFloat32(j * 4, true); }
      } else if (arr.dtype === 'f16') {
        out = new Float32Array(n / 2);
        for (var k = 0; k < out.length; k++) { out[k] = GPT2X.halfToFloat(view.getUint16(k * 2, true)); }
      } else {
        throw new Error('unknown dtype ' + arr.dtype);
      }
      return out;
    },

    /** IEEE binary16 bits to the exactly equal number. */
    halfToFloat: function (h) {
      var sign = (h & 0x8000) ? -1 : 1;
      var exp = (h >> 10) & 0x1f;
      var mant = h & 0x3ff;
      if (exp === 0x1f) { return mant ? NaN : sign * Infinity; }
      if (exp === 0) { return sign * mant * Math.pow(2, -24); }
      return sign * (1 + mant / 1024) * Math.pow(2, exp - 15);
    },

    /** Value at [i, j, ...] of a decoded array with the given shape. */
    index: function (shape, idx) {
      var flat = 0;
      for (var i = 0; i < shape.length; i++) { flat = flat * shape[i] + idx[i]; }
      return flat;
    },

    /** Creates an element; text is set as text (never parsed as HTML). */
    el: function (tag, attrs, text) {
      var e = document.createElement(tag);
      if (attrs) {
        Object.keys(attrs).forEach(function (k) {
          if (k === 'class') { e.className = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
        });
      }
      if (text !== undefined && text !== null) { e.textContent = text; }
      return e;
    },

    /** A number with `digits` significant digits; infinities as ±∞. */
    num: function (x, digits) {
      if (x === Infinity) { return '+\u221e'; }
      if (x === -Infinity) { return '\u2212\u221e'; }
      if (Number.isNaN(x)) { return '\u2013'; }
      return Number(x).toPrecision(digits || 4).replace(/^-/, '\u2212');
    },

    /**
     * The one way a probability prints, in every view: a percentage with two decimals ("12.34%", "0.05%"),
     * "<0.01%" below 0.005% (a number there would only be rounding noise made visible), "0%" for exactly 0.
     */
    percent: function (p) {
      if (p === 0) { return '0%'; }
      if (!(p >= 0.00005)) { return Number.isNaN(p) ? '\u2013' : '<0.01%'; }
      return (p * 100).toFixed(2) + '%';
    },

    /**
     * Mathematical notation for sums and products of numbers: sum([a, b]) is "a + b", or "a \u2212 |b|" when b
     * is negative (never "a + \u2212b"); product(a, b) is "a \u00d7 b" with a negative factor in parentheses.
     */
    sum: function (terms, digits) {
      return terms.map(function (x, i) {
        if (i === 0) { return GPT2X.num(x, digits); }
        return (x < 0 ? ' \u2212 ' : ' + ') + GPT2X.num(Math.abs(x), digits);
      }).join('');
    },

    product: function (a, b, digits) {
      function factor(x, first) {
        var s = GPT2X.num(x, digits);
        return x < 0 && !first ? '(' + s + ')' : s;
      }
      return factor(a, true) + ' \u00d7 ' + factor(b, false);
    },

    /**
     * A probability bar on the absolute 0-100% scale (the same length means the same probability in every
     * view): a track standing for 100% holding a bar whose width is p of the track, carrying p in data-p.
     */
    bar: function (p) {
      var track = GPT2X.el('span', { 'class': 'bar-track' });
      var bar = GPT2X.el('span', { 'class': 'bar', 'data-p': String(p) });
      bar.style.width = (100 * Math.max(0, Math.min(1, p))) + '%';
      track.appendChild(bar);
      return track;
    },

    /** The display form of token id (from the prompt's vocabulary subset). */
    token: function (main, id) {
      var v = main.vocab[String(id)];
      return v ? v.visible : '#' + id;
    },

    /**
     * The text of a token sequence as UTF-8, decoded across token boundaries: a character whose bytes are
     * split over several tokens appears with the token that completes it (the earlier ones get ''). Bytes
     * that never form a character (a sequence cut off at the end, or invalid) are shown as <XX> hex.
     * Returns one {text, fragment} per id; fragment is true when the token holds part of a character only.
     */
    textPieces: function (main, ids) {
      var decoder = new global.TextDecoder('utf-8', { fatal: false });
      var out = [];
      ids.forEach(function (id, i) {
        var v = main.vocab[String(id)];
        if (!v) { out.push({ text: '#' + id, fragment: false }); return; }
        var hex = v.bytes ? v.bytes.split(' ').filter(Boolean) : [];
        var bytes = new Uint8Array(hex.map(function (h) { return parseInt(h, 16); }));
        var text = decoder.decode(bytes, { stream: i < ids.length - 1 });
        if (text.indexOf('\ufffd') >= 0) {
          text = hex.map(function (h) { return '<' + h + '>'; }).join('');
        }
        out.push({ text: text, fragment: text === '' && bytes.length > 0 });
      });
      return out;
    },

    /**
     * Registers a view: one script calls GPT2X.view(name, {section, init(main)}). `section` is the id of the
     * page's <section> it draws into (errors are shown there); the router's `view` values that scroll to it
     * are the view's name and its section. page.js starts every registered view in script order; init may
     * return a Promise (drawing from a part loaded on demand), and the page is 'ready' once all have settled. A page of
     * another kind may have one script of its own, registered as 'page:<kind>' with init() only.
     */
    view: function (name, module) {
      if (views[name]) { throw new Error('view ' + name + ' registered twice'); }
      if (name.indexOf('page:') !== 0 && !module.section) { throw new Error('view ' + name + ' names no section'); }
      views[name] = module;
      viewOrder.push(name);
    },

    /** The names of the registered views, in registration order. */
    viewNames: function () { return viewOrder.slice(); },

    /**
     * The shared layer selector: fills `select` with one option per layer (0 … layers−1), and calls
     * onPick(layer) when the reader picks one. Returns set(layer), which shows `layer` without calling onPick.
     */
    layerSelect: function (select, layers, onPick) {
      select.textContent = '';
      for (var l = 0; l < layers; l++) {
        select.appendChild(GPT2X.el('option', { value: String(l) }, GPT2X.t('attention.layer', { layer: l })));
      }
      select.addEventListener('change', function () { onPick(Number(select.value)); });
      return function set(layer) { select.value = String(layer); };
    },

    /** Shows a tooltip near the pointer; content is text lines. */
    tip: function (evt, lines) {
      tipAnchor = null;
      var tip = document.getElementById('gpt2x-tip');
      if (!tip) {
        tip = GPT2X.el('div', { id: 'gpt2x-tip', 'class': 'tip', role: 'status' });
        document.body.appendChild(tip);
      }
      tip.textContent = '';
      lines.forEach(function (line, i) {
        tip.appendChild(GPT2X.el(i === 0 ? 'strong' : 'div', null, line));
      });
      tip.hidden = false;
      placeTip(tip, evt.clientX, evt.clientY);
    },

    /** Shows the tooltip beside an element (for tap and keyboard focus, which have no pointer position). */
    tipAt: function (node, lines) {
      var r = node.getBoundingClientRect();
      GPT2X.tip({ clientX: r.right, clientY: r.bottom }, lines);
      tipAnchor = node;
    },

    /**
     * The hover tooltip of `node` with its tap and keyboard equivalents: pointer movement shows lines() at the
     * pointer, a tap (click) or keyboard focus shows it beside the node; leaving, blur or scrolling hides it.
     * Call it after the node is made a tab stop (tabindex); elements that are not get no focus listener.
     */
    hoverTip: function (node, lines) {
      node.addEventListener('mousemove', function (evt) { GPT2X.tip(evt, lines()); });
      node.addEventListener('mouseleave', GPT2X.untip);
      node.addEventListener('click', function () { GPT2X.tipAt(node, lines()); });
      // Only on what is already a tab stop: Chromium makes an SVG element with focus listeners focusable.
      if (node.hasAttribute('tabindex') || node.tabIndex >= 0 && !(node instanceof global.SVGElement)) {
        node.addEventListener('focus', function () { GPT2X.tipAt(node, lines()); });
        node.addEventListener('blur', GPT2X.untip);
      }
      if (!GPT2X.hoverTip.scrollHides) {
        GPT2X.hoverTip.scrollHides = true;
        global.addEventListener('scroll', followOrHide, { passive: true });
      }
      return node;
    },

    /** 'tap' on a device whose main pointer cannot hover (a touch screen), else 'hover'. */
    gesture: function () {
      return global.matchMedia && global.matchMedia('(hover: none)').matches ? 'tap' : 'hover';
    },

    untip: function () {
      var tip = document.getElementById('gpt2x-tip');
      if (tip) { tip.hidden = true; }
      tipAnchor = null;
    },

    /** Subscribes f(value) to the named event (the highlight bus: 'token', 'candidate'). */
    on: function (name, f) { (handlers[name] = handlers[name] || []).push(f); },

    /** Calls every subscriber of the named event with value; one failing subscriber does not stop the others. */
    emit: function (name, value) {
      (handlers[name] || []).forEach(function (f) {
        try { f(value); } catch (err) { if (global.console) { global.console.error(err); } }
      });
    },

    /** Shows an error in the page (and the console) instead of failing silently. */
    fail: function (where, err) {
      var box = document.getElementById(where);
      if (box) {
        box.appendChild(GPT2X.el('p', { 'class': 'error' }, String(err && err.message ? err.message : err)));
      }
      if (global.console) { global.console.error(err); }
    }
  };


  /**
   * Linked highlighting: one token (a prompt position) and one candidate (a vocabulary id) are lit in every
   * view that shows them. The lit one is the hovered (or focused) one, else the picked one; the picked token
   * is the router's `token` (the selected query) and the picked candidate its `cand`, so a pick is a deep
   * link and the tour can set it. Views subscribe with GPT2X.on('token' | 'candidate', f(value or null)),
   * read GPT2X.highlight.lit(kind) after they redraw, and make their marks sources with source(). Escape
   * clears both.
   */
  var ROUTER_KEY = { token: 'token', candidate: 'cand' };
  var hovered = { token: null, candidate: null };
  var lit = { token: null, candidate: null };

  function picked(kind) {
    var v = GPT2X.router ? parseInt(GPT2X.router.get(ROUTER_KEY[kind], ''), 10) : NaN;
    return Number.isNaN(v) ? null : v;
  }

  function refresh(kind) {
    var now = hovered[kind] !== null ? hovered[kind] : picked(kind);
    if (now !== lit[kind]) {
      lit[kind] = now;
      GPT2X.emit(kind, now);
    }
  }

  GPT2X.highlight = {
    /** The lit token position or candidate id (kind 'token' | 'candidate'), or null. */
    lit: function (kind) { return lit[kind]; },

    /** Lights value while the pointer or focus is on it; null when it leaves. */
    hover: function (kind, value) {
      hovered[kind] = value === undefined ? null : value;
      refresh(kind);
    },

    /** Picks value (it stays lit), or unpicks it when it is already the picked one. */
    pick: function (kind, value) {
      var change = {};
      change[ROUTER_KEY[kind]] = picked(kind) === value ? undefined : value;
      GPT2X.router.set(change);
    },

    /** Nothing lit: the picks are removed and the hovers forgotten. */
    clear: function () {
      hovered.token = null;
      hovered.candidate = null;
      GPT2X.router.set({ token: undefined, cand: undefined });
      refresh('token');
      refresh('candidate');
    },

    /**
     * Makes node a source of kind/value: hover and focus light it, a click (a tap; Enter or Space on a tab
     * stop) picks it. options.pick false: the node picks by itself (hover and focus only).
     */
    source: function (node, kind, value, options) {
      node.addEventListener('mouseenter', function () { GPT2X.highlight.hover(kind, value); });
      node.addEventListener('mouseleave', function () { GPT2X.highlight.hover(kind, null); });
      // Focus only on what is already a tab stop: Chromium makes an SVG element with focus listeners focusable.
      if (node.hasAttribute('tabindex') || node.tabIndex >= 0 && !(node instanceof global.SVGElement)) {
        node.addEventListener('focus', function () { GPT2X.highlight.hover(kind, value); });
        node.addEventListener('blur', function () { GPT2X.highlight.hover(kind, null); });
      }
      if (options && options.pick === false) { return node; }
      node.addEventListener('click', function () { GPT2X.highlight.pick(kind, value); });
      if (node.tagName !== 'BUTTON' && node.tagName !== 'button') {
        node.addEventListener('keydown', function (e) {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            GPT2X.highlight.pick(kind, value);
          }
        });
      }
      return node;
    },

    /** Follows the router's picks and Escape; page.js calls it once the router has started. */
    start: function () {
      GPT2X.router.listen(function (state, changes) {
        if ('token' in changes) { refresh('token'); }
        if ('cand' in changes) { refresh('candidate'); }
      });
      document.addEventListener('keydown', function (e) {
        if (e.key === 'Escape' && !e.defaultPrevented && (lit.token !== null || lit.candidate !== null)) {
          GPT2X.highlight.clear();
        }
      });
      refresh('token');
      refresh('candidate');
    }
  };

  global.GPT2X = GPT2X;
}(window));
