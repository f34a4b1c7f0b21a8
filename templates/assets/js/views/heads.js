/*
 * Head gallery: every head's attention weights (softmax) as a small map, all layers x heads at a glance, or
 * the heads of one layer larger. Loads data/<id>/heads.js (every layer's softmax, f16 [L,H,T,T]) when the
 * section comes into view or is linked to. Clicking a map opens it in the attention view.
 * Colour: the palette's weight map (GPT2X.palette.weightRgb); future keys, which no query may see, are hatched
 * as everywhere else on the site.
 */
(function (GPT2X) {
  'use strict';

  /** Paints one head's [T, T] map into a canvas of s x s pixels per cell (scaled by CSS); masked cells hatched. */
  function paint(canvas, values, offset, T) {
    var s = Math.max(1, Math.min(4, Math.floor(256 / T)));
    var n = T * s;
    canvas.width = n;
    canvas.height = n;
    var ctx = canvas.getContext('2d');
    var img = ctx.createImageData(n, n);
    for (var q = 0; q < T; q++) {
      for (var k = 0; k < T; k++) {
        var rgb = k > q ? null : GPT2X.palette.weightRgb(values[offset + q * T + k]);
        for (var y = q * s; y < q * s + s; y++) {
          for (var x = k * s; x < k * s + s; x++) {
            var c = rgb || ((x + y) % 4 === 0 ? [91, 100, 112] : [255, 255, 255]);
            var at = 4 * (y * n + x);
            img.data[at] = c[0]; img.data[at + 1] = c[1]; img.data[at + 2] = c[2]; img.data[at + 3] = 255;
          }
        }
      }
    }
    ctx.putImageData(img, 0, 0);
  }

  function legend(box) {
    box.textContent = '';
    box.appendChild(GPT2X.palette.legend({ kind: 'weight', masked: true, caption: GPT2X.t('heads.legend') }));
  }

  GPT2X.view('heads', {
    section: 'heads',
    paint: paint, // also paints the head cards of the attention stack (attention.js)
    init: function (main) {
      var L = main.model.layers, H = main.model.heads, T = main.tokens.length;
      var section = document.getElementById('heads');
      var grid = document.getElementById('heads-grid');
      var status = document.getElementById('heads-status');
      var modeAll = document.getElementById('heads-all');
      var modeLayer = document.getElementById('heads-one');
      var layerSelect = document.getElementById('heads-layer');
      var table = document.getElementById('heads-table');
      var showLayer = GPT2X.layerSelect(layerSelect, L, function (l) { GPT2X.router.set({ view: 'heads', layer: l }); });
      legend(document.getElementById('heads-legend'));
      var softmax = null, loading = null, drawn = '';

      function load() {
        if (!loading) {
          status.textContent = GPT2X.t('attention.loading');
          loading = GPT2X.load(GPT2X.data.heads(main.promptId)).then(function (raw) {
            softmax = GPT2X.decode(raw.softmax);
            status.textContent = '';
            document.getElementById('heads-load').hidden = true;
            fillTable();
            show();
          }).catch(function (err) { status.textContent = ''; GPT2X.fail('heads', err); });
        }
        return loading;
      }

      function map(layer, head, big) {
        var b = GPT2X.el('button', { type: 'button', 'class': 'head-map' + (big ? ' big' : ''),
          'data-layer': String(layer), 'data-head': String(head),
          'aria-label': GPT2X.t('heads.open', { layer: layer, head: head }) });
        var canvas = GPT2X.el('canvas', { 'aria-hidden': 'true' });
        paint(canvas, softmax, (layer * H + head) * T * T, T);
        // the lit token's row (as query) and column (as key), placed by lightHeads()
        var box = GPT2X.el('span', { 'class': 'head-canvas' });
        box.appendChild(canvas);
        ['lit-row', 'lit-col'].forEach(function (kind) {
          var band = GPT2X.el('span', { 'class': 'lit-band ' + kind, 'aria-hidden': 'true' });
          band.style[kind === 'lit-row' ? 'height' : 'width'] = (100 / T) + '%';
          box.appendChild(band);
        });
        b.appendChild(box);
        if (big) { b.appendChild(GPT2X.el('span', { 'class': 'head-caption' }, GPT2X.t('attention.head', { head: head }))); }
        b.addEventListener('click', function () {
          GPT2X.router.set({ view: 'attention', layer: layer, head: head });
        });
        return b;
      }

      function show() {
        var all = GPT2X.router.get('gallery') !== 'layer';
        var layer = GPT2X.router.int('layer', 0, 0, L - 1);
        var head = GPT2X.router.int('head', 0, 0, H - 1);
        modeAll.setAttribute('aria-pressed', all ? 'true' : 'false');
        modeLayer.setAttribute('aria-pressed', all ? 'false' : 'true');
        showLayer(layer);
        layerSelect.disabled = all;
        if (!softmax) {
          if (GPT2X.router.get('view') === 'heads') { load(); }
          return;
        }
        var key = all ? 'all' : 'layer' + layer;
        if (key !== drawn) {
          drawn = key;
          grid.textContent = '';
          grid.className = all ? 'heads-grid all' : 'heads-grid one';
          grid.style.setProperty('--heads', String(H));
          if (all) {
            grid.appendChild(GPT2X.el('span', { 'class': 'corner' }));
            for (var h = 0; h < H; h++) { grid.appendChild(GPT2X.el('span', { 'class': 'col-label' }, String(h))); }
            for (var ll = 0; ll < L; ll++) {
              grid.appendChild(GPT2X.el('span', { 'class': 'row-label' }, GPT2X.t('heads.rowLabel', { layer: ll })));
              for (var hh = 0; hh < H; hh++) { grid.appendChild(map(ll, hh, false)); }
            }
          } else {
            for (var h2 = 0; h2 < H; h2++) { grid.appendChild(map(layer, h2, true)); }
          }
          // one tab stop for the whole gallery (L x H maps would be L x H tab stops); arrow keys move within it
          GPT2X.a11y.grid(Array.prototype.slice.call(grid.querySelectorAll('.head-map')), all ? L : 1, H);
          lightHeads();
        }
        grid.querySelectorAll('.head-map').forEach(function (b) {
          var current = Number(b.getAttribute('data-layer')) === layer && Number(b.getAttribute('data-head')) === head;
          if (current) { b.setAttribute('aria-current', 'true'); } else { b.removeAttribute('aria-current'); }
        });
      }

      /** Linked highlighting (core.js): the lit token's row and column in every map. */
      function lightHeads() {
        var p = GPT2X.highlight.lit('token');
        var on = p !== null && p >= 0 && p < T;
        grid.querySelectorAll('.lit-band').forEach(function (band) {
          band.style[band.classList.contains('lit-row') ? 'top' : 'left'] = (on ? 100 * p / T : 0) + '%';
          band.classList.toggle('lit', on);
        });
      }
      GPT2X.on('token', lightHeads);

      /** The data table: for each layer and head, the key the last position attends to most, and its weight. */
      function fillTable() {
        var q = T - 1;
        var head = GPT2X.el('tr');
        head.appendChild(GPT2X.el('th', { scope: 'col' }, GPT2X.t('heads.table.layer')));
        for (var h = 0; h < H; h++) { head.appendChild(GPT2X.el('th', { scope: 'col' }, GPT2X.t('attention.head', { head: h }))); }
        var thead = GPT2X.el('thead');
        thead.appendChild(head);
        var tbody = GPT2X.el('tbody');
        for (var l = 0; l < L; l++) {
          var tr = GPT2X.el('tr');
          tr.appendChild(GPT2X.el('th', { scope: 'row' }, String(l)));
          for (var hh = 0; hh < H; hh++) {
            var base = (l * H + hh) * T * T + q * T, best = 0;
            for (var k = 1; k <= q; k++) { if (softmax[base + k] > softmax[base + best]) { best = k; } }
            tr.appendChild(GPT2X.el('td', null, GPT2X.token(main, main.tokens[best]) + ' ' + GPT2X.num(softmax[base + best], 3)));
          }
          tbody.appendChild(tr);
        }
        table.textContent = '';
        table.appendChild(GPT2X.el('caption', null, GPT2X.t('heads.table.caption', { token: GPT2X.token(main, main.tokens[q]) })));
        table.appendChild(thead);
        table.appendChild(tbody);
      }

      modeAll.addEventListener('click', function () { GPT2X.router.set({ view: 'heads', gallery: undefined }); load(); });
      modeLayer.addEventListener('click', function () { GPT2X.router.set({ view: 'heads', gallery: 'layer' }); load(); });
      document.getElementById('heads-load').addEventListener('click', load);
      if ('IntersectionObserver' in window) {
        var seen = new IntersectionObserver(function (entries) {
          if (entries.some(function (e) { return e.isIntersecting; })) { seen.disconnect(); load(); }
        }, { rootMargin: '200px' });
        seen.observe(section);
      }
      GPT2X.router.listen(show);
      show();
    }
  });
}(window.GPT2X));
