/*
 * The MLP of one block: the layer-normed input [T, E] -> expansion (c_fc) [T, 4E] -> GELU [T, 4E] ->
 * compression (c_proj) [T, E], with the most active neurons (largest |GELU|) of the selected token.
 * The layer files store mlp.fc; GELU is gelu_new(fc), recomputed here in double precision from the stored
 * (f16) fc values — the browser tests compare it with the captured GELU.
 */
(function (GPT2X) {
  'use strict';

  var TOP = 10;

  /** The `k` neurons of row `row` with the largest |value|, largest first (lower index first on ties). */
  function topNeurons(values, row, cols, k) {
    var idx = [];
    for (var c = 0; c < cols; c++) { idx.push(c); }
    idx.sort(function (a, b) {
      var d = Math.abs(values[row * cols + b]) - Math.abs(values[row * cols + a]);
      return d !== 0 ? d : a - b;
    });
    return idx.slice(0, k);
  }

  GPT2X.view('mlp', {
    section: 'inside',
    topNeurons: topNeurons,
    init: function () { },
    render: function (host, main, ctx) {
      var t = GPT2X.t, d = ctx.data, E = main.model.width, N = d.shapes['mlp.fc'][1];
      var fc = d['mlp.fc'];
      var gelu = Float32Array.from(GPT2X.depth.geluAll(fc));
      var specs = [
        { key: 'ln_2.out', title: t('op.mlp.input'), values: d['ln_2.out'], cols: E, stage: 'mlp' },
        { key: 'mlp.fc', title: t('op.mlp.fc'), values: fc, cols: N, stage: 'mlp', colLabel: 'neuron' },
        { key: 'mlp.gelu', title: t('op.mlp.gelu'), values: gelu, cols: N, stage: 'mlp', colLabel: 'neuron',
          note: t('op.mlp.gelu.note') },
        { key: 'mlp.proj', title: t('op.mlp.proj'), values: d['mlp.proj'], cols: E, stage: 'mlp' }
      ];
      var topBox = GPT2X.el('div', { 'class': 'mlp-top' });
      var panel;
      var lastRow = -1;
      function showTop(row) {
        if (row === lastRow) { return; }
        lastRow = row;
        topBox.textContent = '';
        topBox.appendChild(GPT2X.el('h4', null, t('op.mlp.top', { k: TOP, token: GPT2X.token(main, main.tokens[row]) })));
        var table = GPT2X.el('table', { 'class': 'dist mlp-top-table' });
        var head = GPT2X.el('tr');
        [t('op.mlp.neuron'), t('op.mlp.fc.short'), t('op.mlp.gelu.short'), ''].forEach(function (h) {
          head.appendChild(GPT2X.el('th', { scope: 'col' }, h));
        });
        var thead = GPT2X.el('thead');
        thead.appendChild(head);
        table.appendChild(thead);
        var body = GPT2X.el('tbody');
        var best = topNeurons(gelu, row, N, TOP);
        var max = Math.abs(gelu[row * N + best[0]]) || 1;
        best.forEach(function (n) {
          var v = gelu[row * N + n];
          var tr = GPT2X.el('tr', { 'data-neuron': String(n) });
          var cell = GPT2X.el('td');
          var go = GPT2X.el('button', { type: 'button', 'class': 'linkish', 'aria-label': t('op.mlp.goto', { n: n }) }, '#' + n);
          go.addEventListener('click', function () { panel.setCursor(row, n, specs[2], true); });
          cell.appendChild(go);
          tr.appendChild(cell);
          tr.appendChild(GPT2X.el('td', { 'class': 'num' }, GPT2X.num(fc[row * N + n], 4)));
          tr.appendChild(GPT2X.el('td', { 'class': 'num gelu' }, GPT2X.num(v, 4)));
          var barCell = GPT2X.el('td', { 'class': 'bar-cell' });
          var bar = GPT2X.el('span', { 'class': 'bar' + (v < 0 ? ' neg' : '') });
          bar.style.width = (100 * Math.abs(v) / max) + '%';
          barCell.appendChild(bar);
          tr.appendChild(barCell);
          body.appendChild(tr);
        });
        table.appendChild(body);
        topBox.appendChild(table);
      }
      panel = GPT2X.depth.panel(host, main, specs, {
        main: main,
        onCursor: function (row, col, spec) {
          showTop(row);
          if (spec.cols !== N) { return null; }
          return t('op.mlp.readout', { fc: GPT2X.num(fc[row * N + col], 4), gelu: GPT2X.num(gelu[row * N + col], 4) });
        }
      });
      host.insertBefore(topBox, panel.strips[3].canvas.closest('figure'));
      return Promise.resolve(panel);
    }
  });
}(window.GPT2X));
