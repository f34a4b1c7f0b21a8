/*
 * Attention, per head: the layer-normed input, the head's slice of the Q, K and V projections [T, D], the
 * head's output (its attention weights applied to V), every head's output side by side (the concatenation,
 * head boundaries marked, this head highlighted) and the output projection that is added to the stream.
 * The attention weights themselves are in the attention view (same layer and head).
 */
(function (GPT2X) {
  'use strict';

  function slice(values, shape, h) { // [H, T, D] -> [T, D] of head h
    var T = shape[1], D = shape[2];
    return values.subarray(h * T * D, (h + 1) * T * D);
  }

  GPT2X.view('qkv', {
    section: 'inside',
    init: function () { },
    render: function (host, main, ctx) {
      var t = GPT2X.t, d = ctx.data, H = main.model.heads, D = main.model.headDim, E = main.model.width;
      var h = ctx.head;
      var controls = GPT2X.el('div', { 'class': 'controls' });
      controls.appendChild(GPT2X.el('span', { 'class': 'label', id: 'qkv-heads-label' }, t('attention.headLabel')));
      var group = GPT2X.el('div', { 'class': 'head-buttons', role: 'group', 'aria-labelledby': 'qkv-heads-label' });
      for (var i = 0; i < H; i++) {
        var b = GPT2X.el('button', { type: 'button', 'class': 'head', 'data-head': String(i),
          'aria-pressed': i === h ? 'true' : 'false', 'aria-label': t('attention.head', { head: i }) }, String(i));
        b.addEventListener('click', function (e) { GPT2X.router.set({ head: e.currentTarget.getAttribute('data-head') }); });
        group.appendChild(b);
      }
      controls.appendChild(group);
      var link = GPT2X.el('a', { href: '#view=attention&layer=' + ctx.layer + '&head=' + h }, t('op.qkv.weights'));
      controls.appendChild(link);
      host.appendChild(controls);
      var shape = d.shapes['attn.q'];
      var specs = [
        { key: 'ln_1.out', title: t('op.qkv.input'), values: d['ln_1.out'], cols: E, stage: 'attn' },
        { key: 'attn.q', title: t('op.qkv.q', { head: h }), values: slice(d['attn.q'], shape, h), cols: D, stage: 'attn', colLabel: 'dim' },
        { key: 'attn.k', title: t('op.qkv.k', { head: h }), values: slice(d['attn.k'], shape, h), cols: D, stage: 'attn', colLabel: 'dim' },
        { key: 'attn.v', title: t('op.qkv.v', { head: h }), values: slice(d['attn.v'], shape, h), cols: D, stage: 'attn', colLabel: 'dim' },
        { key: 'attn.head', title: t('op.qkv.head', { head: h }), values: slice(d['attn.heads'], d.shapes['attn.heads'], h), cols: D,
          stage: 'attn', colLabel: 'dim' },
        { key: 'attn.concat', title: t('op.qkv.concat'), values: GPT2X.views.block.concat(d['attn.heads'], d.shapes['attn.heads']),
          cols: E, stage: 'attn', groups: D, highlight: [h * D, (h + 1) * D], note: t('op.qkv.concat.note', { from: h * D, to: (h + 1) * D - 1 }) },
        { key: 'attn.proj', title: t('op.qkv.proj'), values: d['attn.proj'], cols: E, stage: 'attn' }
      ];
      return Promise.resolve(GPT2X.depth.panel(host, main, specs, { main: main }));
    }
  });
}(window.GPT2X));
