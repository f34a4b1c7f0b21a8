/*
 * Embedding: token embedding (the row of wte for each token id) + position embedding (the row of wpe for each
 * position) = the input vector that enters block 0. All three are captured values (data/<id>/model.js).
 */
(function (GPT2X) {
  'use strict';

  GPT2X.view('embedding', {
    section: 'inside',
    init: function () { },
    render: function (host, main) {
      return GPT2X.depth.model(main).then(function (m) {
        var E = main.model.width, t = GPT2X.t;
        var tok = m['embed.token'], pos = m['embed.position'], sum = m['embed.sum'];
        return GPT2X.depth.panel(host, main, [
          { key: 'embed.token', title: t('op.embedding.token'), values: tok, cols: E, stage: 'embed' },
          { key: 'embed.position', title: t('op.embedding.position'), values: pos, cols: E, stage: 'embed' },
          { key: 'embed.sum', title: t('op.embedding.sum'), values: sum, cols: E, stage: 'embed' }
        ], {
          main: main,
          sharedScale: true,
          onCursor: function (row, col) {
            var i = row * E + col;
            return t('op.embedding.readout', { expr: GPT2X.sum([tok[i], pos[i]], 4), sum: GPT2X.num(sum[i], 4) });
          }
        });
      });
    }
  });
}(window.GPT2X));
