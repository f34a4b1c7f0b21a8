/*
 * Shared by the detailed views (embedding, layernorm, qkv, mlp, residual) and the block pipeline:
 *   - loaders for the lazy data files (data/<id>/model.js, data/<id>/layer-<l>.js), decoded once;
 *   - gelu_new, the GELU GPT-2 uses (the layer files carry mlp.fc only; GELU is recomputed here);
 *   - heat strips: a [rows, cols] matrix of real values as a canvas, one row per token, in the palette's
 *     signed map (GPT2X.palette.signed) with a legend, hover for the exact value,
 *     a keyboard cursor (arrow keys) announced in a live region, and a "show as table" alternative;
 *   - the operation panel: a set of strips sharing one cursor (token, channel) and one readout line.
 */
(function (GPT2X) {
  'use strict';

  var layers = {};   // '<prompt>/<layer>' -> Promise of decoded layer file
  var models = {};   // prompt -> Promise of decoded model file (a chapter page may show several prompts)

  function decodeAll(raw) {
    var out = { shapes: {} };
    Object.keys(raw).forEach(function (k) {
      if (raw[k] && raw[k].b64 !== undefined) {
        out[k] = GPT2X.decode(raw[k]);
        out.shapes[k] = raw[k].shape;
      } else {
        out[k] = raw[k];
      }
    });
    return out;
  }

  /** Exactly the GELU of GPT-2 (gelu_new, the tanh approximation), in double precision. */
  function gelu(x) {
    return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
  }

  var depth = {
    gelu: gelu,

    /** GELU of every value of a Float32Array, as a Float64Array. */
    geluAll: function (fc) {
      var out = new Float64Array(fc.length);
      for (var i = 0; i < fc.length; i++) { out[i] = gelu(fc[i]); }
      return out;
    },

    layer: function (main, l) {
      var key = main.promptId + '/' + l;
      if (!layers[key]) {
        layers[key] = GPT2X.load(GPT2X.data.layer(main.promptId, l)).then(decodeAll);
        layers[key].catch(function () { delete layers[key]; });
      }
      return layers[key];
    },

    model: function (main) {
      var key = main.promptId;
      if (!models[key]) {
        models[key] = GPT2X.load(GPT2X.data.model(main.promptId)).then(decodeAll);
        models[key].catch(function () { delete models[key]; });
      }
      return models[key];
    },

    /** The residual stream entering block l: the embedding sum for block 0, else block l-1's resid_post. */
    streamIn: function (main, l) {
      if (l === 0) { return depth.model(main).then(function (m) { return m['embed.sum']; }); }
      return depth.layer(main, l - 1).then(function (d) { return d.resid_post; });
    },

    /** The colour-scale limit: the 99.5th percentile of |v| (GPT-2 has a few huge channels that would wash
     *  out every other value); values beyond it are drawn at full colour. */
    clip: function (values) {
      var n = values.length;
      if (!n) { return 1; }
      var abs = new Float32Array(n);
      for (var i = 0; i < n; i++) { abs[i] = Math.abs(values[i]); }
      abs.sort();
      var c = abs[Math.min(n - 1, Math.floor(0.995 * (n - 1)))];
      return c > 0 ? c : (abs[n - 1] || 1);
    },

    /** The colour of v on the palette's signed map, saturated at |v| >= clip. */
    colour: function (v, clip) {
      return GPT2X.palette.signed(v, clip);
    },

    /** A small heat strip for the block pipeline: a scaled canvas, no labels, not interactive. */
    mini: function (values, rows, cols, clip) {
      clip = clip || depth.clip(values);
      var cw = Math.max(1, Math.floor(256 / cols));
      var canvas = GPT2X.el('canvas', { 'class': 'hs-mini', 'aria-hidden': 'true', width: String(cols * cw), height: String(rows * 3) });
      var ctx = canvas.getContext('2d');
      for (var r = 0; r < rows; r++) {
        for (var c = 0; c < cols; c++) {
          ctx.fillStyle = depth.colour(values[r * cols + c], clip);
          ctx.fillRect(c * cw, r * 3, cw, 3);
        }
      }
      return canvas;
    },

    /**
     * An operation panel in `host`: strips sharing one cursor and one readout.
     * specs: [{key, title, values, cols, stage, note, colLabel ('channel'|'neuron'|'dim'), groups, highlight:[from,to)}]
     * opts: {main, onCursor(row, col, spec), sharedScale: true when the strips are added together (one colour
     * limit for all of them, so the picture of a sum is the sum of the pictures)}.
     * Returns {strips, setCursor(row, col), readout}.
     */
    panel: function (host, main, specs, opts) {
      var T = main.tokens.length;
      var readout = GPT2X.el('p', { 'class': 'hs-readout', role: 'status', 'aria-live': 'polite' });
      var cursor = {
        row: GPT2X.router.int('token', T - 1, 0, T - 1),
        col: GPT2X.router.int('ch', 0, 0, 1 << 20)
      };
      var activeSpec = specs[0]; // the strip last used: the readout describes it
      var shared = opts && opts.sharedScale
        ? Math.max.apply(null, specs.map(function (spec) { return depth.clip(spec.values); })) : 0;
      var strips = specs.map(function (spec, i) { return strip(spec, i); });
      host.appendChild(readout);

      function describe(spec, row, col) {
        var v = spec.values[row * spec.cols + col];
        var head = GPT2X.t('depth.readout.where', {
          token: GPT2X.token(main, main.tokens[row]), pos: row,
          what: GPT2X.t('depth.col.' + (spec.colLabel || 'channel'), { n: col })
        });
        var line = spec.title + ': ' + GPT2X.num(v, 4);
        return { head: head, line: line, value: v };
      }

      function setCursor(row, col, spec, announce) {
        cursor.row = Math.max(0, Math.min(T - 1, row));
        cursor.col = Math.max(0, col);
        strips.forEach(function (s) { s.place(cursor.row, cursor.col); });
        var active = spec || activeSpec;
        activeSpec = active;
        var c = Math.min(cursor.col, active.cols - 1);
        var d = describe(active, cursor.row, c);
        var extra = opts && opts.onCursor ? opts.onCursor(cursor.row, c, active) : null;
        // '; ' between the value and the operation's sum: a '\u00b7' there would read as a product
        readout.textContent = d.head + ' \u2014 ' + d.line + (extra ? '; ' + extra : '');
        readout.setAttribute('data-strip', active.key);
        readout.setAttribute('data-token', String(cursor.row));
        readout.setAttribute('data-col', String(c));
        readout.setAttribute('data-value', GPT2X.num(d.value, 4));
        if (announce) { GPT2X.router.set({ token: cursor.row, ch: c }); }
      }

      function strip(spec, index) {
        var rows = T, cols = spec.cols, values = spec.values;
        var clip = shared || depth.clip(values);
        var fig = GPT2X.el('figure', { 'class': 'hs hs-' + spec.stage, 'data-strip': spec.key });
        var cap = GPT2X.el('figcaption');
        cap.appendChild(GPT2X.el('span', { 'class': 'hs-title' }, spec.title));
        cap.appendChild(GPT2X.el('span', { 'class': 'hs-shape' }, '[' + rows + ' \u00d7 ' + cols + ']'));
        if (spec.note) { cap.appendChild(GPT2X.el('span', { 'class': 'hs-note' }, spec.note)); }
        fig.appendChild(cap);
        var body = GPT2X.el('div', { 'class': 'hs-body' });
        var labels = GPT2X.el('ol', { 'class': 'hs-rows', 'aria-hidden': 'true' });
        for (var r = 0; r < rows; r++) { labels.appendChild(GPT2X.el('li', null, GPT2X.token(main, main.tokens[r]))); }
        body.appendChild(labels);
        var scroll = GPT2X.el('div', { 'class': 'hs-scroll' });
        var avail = Math.max(200, (host.clientWidth || 900) - 120);
        var cw = Math.max(1, Math.min(16, Math.floor(avail / cols)));
        var ch = 14;
        var canvas = GPT2X.el('canvas', {
          width: String(cols * cw), height: String(rows * ch), tabindex: '0', role: 'application',
          'aria-roledescription': GPT2X.t('depth.strip.role'),
          'aria-label': GPT2X.t('depth.strip.aria', { title: spec.title, rows: rows, cols: cols })
        });
        var ctx = canvas.getContext('2d');
        for (var y = 0; y < rows; y++) {
          for (var x = 0; x < cols; x++) {
            ctx.fillStyle = depth.colour(values[y * cols + x], clip);
            ctx.fillRect(x * cw, y * ch, cw, ch - 1);
          }
        }
        if (spec.groups) {
          ctx.fillStyle = GPT2X.palette.role.divider;
          for (var g = spec.groups; g < cols; g += spec.groups) { ctx.fillRect(g * cw - (cw > 2 ? 1 : 0), 0, 1, rows * ch); }
        }
        var wrap = GPT2X.el('div', { 'class': 'hs-canvas' });
        wrap.appendChild(canvas);
        if (spec.highlight) {
          var band = GPT2X.el('div', { 'class': 'hs-band', 'aria-hidden': 'true' });
          band.style.left = (spec.highlight[0] * cw) + 'px';
          band.style.width = ((spec.highlight[1] - spec.highlight[0]) * cw) + 'px';
          wrap.appendChild(band);
        }
        var mark = GPT2X.el('div', { 'class': 'hs-cursor', 'aria-hidden': 'true' });
        wrap.appendChild(mark);
        scroll.appendChild(wrap);
        body.appendChild(scroll);
        fig.appendChild(body);

        var legend = GPT2X.el('div', { 'class': 'hs-legend' });
        legend.appendChild(GPT2X.palette.legend({ kind: 'signed', limit: clip,
          caption: GPT2X.t(shared ? 'depth.legend.shared' : 'depth.legend') }));
        var toggle = GPT2X.el('button', { type: 'button', 'class': 'hs-table-toggle', 'aria-expanded': 'false' }, GPT2X.t('depth.table.show'));
        legend.appendChild(toggle);
        fig.appendChild(legend);
        var tableBox = GPT2X.el('div', { 'class': 'hs-table' });
        tableBox.hidden = true;
        fig.appendChild(tableBox);
        host.appendChild(fig);

        function cellAt(evt) {
          var rect = canvas.getBoundingClientRect();
          var sx = canvas.width / rect.width, sy = canvas.height / rect.height;
          var col = Math.floor((evt.clientX - rect.left) * sx / cw);
          var row = Math.floor((evt.clientY - rect.top) * sy / ch);
          return { row: Math.max(0, Math.min(rows - 1, row)), col: Math.max(0, Math.min(cols - 1, col)) };
        }
        canvas.addEventListener('mousemove', function (evt) {
          var c = cellAt(evt);
          var d = describe(spec, c.row, c.col);
          GPT2X.tip(evt, [GPT2X.num(d.value, 4), d.head, spec.title]);
        });
        canvas.addEventListener('mouseleave', GPT2X.untip);
        canvas.addEventListener('click', function (evt) {
          var c = cellAt(evt);
          setCursor(c.row, c.col, spec, true);
        });
        canvas.addEventListener('focus', function () { setCursor(cursor.row, Math.min(cursor.col, cols - 1), spec, false); });
        canvas.addEventListener('keydown', function (evt) {
          var row = cursor.row, col = Math.min(cursor.col, cols - 1);
          var step = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0],
            PageUp: [0, -16], PageDown: [0, 16] }[evt.key];
          if (step) { row += step[0]; col += step[1]; }
          else if (evt.key === 'Home') { col = 0; }
          else if (evt.key === 'End') { col = cols - 1; }
          else { return; }
          evt.preventDefault();
          setCursor(row, Math.max(0, Math.min(cols - 1, col)), spec, true);
          // keep the cursor in view inside the strip's own scroll box
          var left = col * cw;
          if (left < scroll.scrollLeft || left > scroll.scrollLeft + scroll.clientWidth - cw) {
            scroll.scrollLeft = Math.max(0, left - scroll.clientWidth / 2);
          }
        });
        toggle.addEventListener('click', function () {
          var open = tableBox.hidden;
          tableBox.hidden = !open;
          toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
          toggle.textContent = GPT2X.t(open ? 'depth.table.hide' : 'depth.table.show');
          if (open) { table(); }
        });

        /** A page of 16 columns (the one holding the cursor) for every token. */
        function table() {
          if (tableBox.hidden) { return; }
          var from = Math.floor(Math.min(cursor.col, cols - 1) / 16) * 16, to = Math.min(cols, from + 16);
          tableBox.textContent = '';
          var t = GPT2X.el('table', { 'class': 'hs-data' });
          t.appendChild(GPT2X.el('caption', null, GPT2X.t('depth.table.caption', {
            title: spec.title, from: from, to: to - 1, cols: cols })));
          var head = GPT2X.el('tr');
          head.appendChild(GPT2X.el('th', { scope: 'col' }, GPT2X.t('table.token')));
          for (var c = from; c < to; c++) { head.appendChild(GPT2X.el('th', { scope: 'col' }, String(c))); }
          var thead = GPT2X.el('thead');
          thead.appendChild(head);
          t.appendChild(thead);
          var tbody = GPT2X.el('tbody');
          for (var r2 = 0; r2 < rows; r2++) {
            var tr = GPT2X.el('tr');
            tr.appendChild(GPT2X.el('th', { scope: 'row' }, GPT2X.token(main, main.tokens[r2])));
            for (var c2 = from; c2 < to; c2++) {
              var td = GPT2X.el('td', null, GPT2X.num(values[r2 * cols + c2], 4));
              if (r2 === cursor.row && c2 === Math.min(cursor.col, cols - 1)) { td.className = 'cur'; }
              tr.appendChild(td);
            }
            tbody.appendChild(tr);
          }
          t.appendChild(tbody);
          tableBox.appendChild(t);
          var pager = GPT2X.el('div', { 'class': 'hs-pager' });
          [[-16, 'depth.table.prev'], [16, 'depth.table.next']].forEach(function (p) {
            var b = GPT2X.el('button', { type: 'button' }, GPT2X.t(p[1]));
            b.disabled = (p[0] < 0 && from === 0) || (p[0] > 0 && to >= cols);
            b.addEventListener('click', function () { setCursor(cursor.row, Math.max(0, Math.min(cols - 1, from + p[0])), spec, true); });
            pager.appendChild(b);
          });
          tableBox.appendChild(pager);
        }

        return {
          spec: spec,
          canvas: canvas,
          place: function (row, col) {
            var c = Math.min(col, cols - 1);
            mark.style.left = (c * cw - 1) + 'px';
            mark.style.top = (row * ch - 1) + 'px';
            mark.style.width = (cw + 1) + 'px';
            mark.style.height = (ch + 1) + 'px';
            labels.querySelectorAll('li').forEach(function (li, i) { li.classList.toggle('hot', i === row); });
            table();
          }
        };
      }

      setCursor(cursor.row, cursor.col, specs[0], false);
      return { strips: strips, setCursor: setCursor, readout: readout };
    }
  };

  GPT2X.depth = depth;
}(window.GPT2X));
