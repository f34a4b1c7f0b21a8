/*
 * The residual stream through one block: what enters it, plus what attention writes = the stream after
 * attention (resid_mid), plus what the MLP writes = the stream after the block (resid_post). Every strip is
 * a captured value; the readout shows the sums at the cursor.
 */
(function (GPT2X) {
  'use strict';

  GPT2X.view('residual', {
    section: 'inside',
    init: function () { },
    render: function (host, main, ctx) {
      var t = GPT2X.t, d = ctx.data, E = main.model.width, l = ctx.layer;
      var x = ctx.streamIn, a = d['attn.proj'], mid = d.resid_mid, m = d['mlp.proj'], post = d.resid_post;
      var specs = [
        { key: 'in', title: t(l === 0 ? 'op.residual.in0' : 'op.residual.in', { prev: l - 1 }), values: x, cols: E, stage: 'stream' },
        { key: 'attn.proj', title: t('op.residual.attn'), values: a, cols: E, stage: 'attn' },
        { key: 'resid_mid', title: t('op.residual.mid'), values: mid, cols: E, stage: 'stream' },
        { key: 'mlp.proj', title: t('op.residual.mlp'), values: m, cols: E, stage: 'mlp' },
        { key: 'resid_post', title: t('op.residual.post'), values: post, cols: E, stage: 'stream' }
      ];
      return Promise.resolve(GPT2X.depth.panel(host, main, specs, {
        main: main,
        sharedScale: true,
        onCursor: function (row, col) {
          var i = row * E + col;
          return t('op.residual.readout', { first: GPT2X.sum([x[i], a[i]], 4), mid: GPT2X.num(mid[i], 4),
            second: GPT2X.sum([mid[i], m[i]], 4), post: GPT2X.num(post[i], 4) });
        }
      }));
    }
  });
}(window.GPT2X));
