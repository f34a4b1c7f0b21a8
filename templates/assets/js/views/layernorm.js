/*
 * Layer norm, step by step, for ln_1 (before attention) or ln_2 (before the MLP) of one block:
 *   input x (the captured residual stream) -> per-token mean and variance (derived exactly from x by the
 *   generator, f32) -> normalised (x - mean) / sqrt(variance + eps), computed here -> x gain + bias (learned
 *   per channel; the captured output).
 */
(function (GPT2X) {
  'use strict';

  GPT2X.view('layernorm', {
    section: 'inside',
    init: function () { },
    render: function (host, main, ctx) {
      var t = GPT2X.t, T = main.tokens.length, E = main.model.width, eps = main.model.layerNormEpsilon;
      var d = ctx.data, ln = 'ln_' + ctx.ln;
      var x = ctx.ln === '1' ? ctx.streamIn : d.resid_mid;
      var mean = d[ln + '.mean'], variance = d[ln + '.var'], out = d[ln + '.out'];
      var normalised = new Float32Array(T * E);
      for (var r = 0; r < T; r++) {
        var inv = 1 / Math.sqrt(variance[r] + eps);
        for (var c = 0; c < E; c++) { normalised[r * E + c] = (x[r * E + c] - mean[r]) * inv; }
      }
      var stage = ctx.ln === '1' ? 'attn' : 'mlp';
      // Mean and variance per token: a small table (it is its own data table).
      var stats = GPT2X.el('table', { 'class': 'hs-data ln-stats' });
      stats.appendChild(GPT2X.el('caption', null, t('op.layernorm.stats', { eps: eps })));
      var head = GPT2X.el('tr');
      [t('table.token'), t('op.layernorm.mean'), t('op.layernorm.variance'), t('op.layernorm.std')].forEach(function (h) {
        head.appendChild(GPT2X.el('th', { scope: 'col' }, h));
      });
      var thead = GPT2X.el('thead');
      thead.appendChild(head);
      stats.appendChild(thead);
      var body = GPT2X.el('tbody');
      var rows = [];
      for (var p = 0; p < T; p++) {
        var tr = GPT2X.el('tr', { 'data-token': String(p) });
        tr.appendChild(GPT2X.el('th', { scope: 'row' }, GPT2X.token(main, main.tokens[p])));
        tr.appendChild(GPT2X.el('td', { 'class': 'num' }, GPT2X.num(mean[p], 4)));
        tr.appendChild(GPT2X.el('td', { 'class': 'num' }, GPT2X.num(variance[p], 4)));
        tr.appendChild(GPT2X.el('td', { 'class': 'num' }, GPT2X.num(Math.sqrt(variance[p] + eps), 4)));
        body.appendChild(tr);
        rows.push(tr);
      }
      stats.appendChild(body);
      var specs = [
        { key: 'x', title: t('op.layernorm.input', { ln: ctx.ln }), values: x, cols: E, stage: 'stream' },
        { key: 'normalised', title: t('op.layernorm.normalised'), values: normalised, cols: E, stage: stage,
          note: t('op.layernorm.normalised.note') },
        { key: ln + '.out', title: t('op.layernorm.output'), values: out, cols: E, stage: stage,
          note: t('op.layernorm.output.note') }
      ];
      var statsBox = GPT2X.el('div', { 'class': 'ln-stats-box' });
      statsBox.appendChild(stats);
      var panel = GPT2X.depth.panel(host, main, specs, {
        main: main,
        onCursor: function (row, col) {
          rows.forEach(function (tr, i) { tr.classList.toggle('cur', i === row); });
          var i = row * E + col;
          return t('op.layernorm.readout', { x: GPT2X.num(x[i], 4), mean: GPT2X.num(mean[row], 4),
            variance: GPT2X.num(variance[row], 4), n: GPT2X.num(normalised[i], 4), out: GPT2X.num(out[i], 4) });
        }
      });
      // The statistics sit between the input and the normalised strip, where they are used.
      host.insertBefore(statsBox, panel.strips[1].canvas.closest('figure'));
      return Promise.resolve(panel);
    }
  });
}(window.GPT2X));
