/*
 * Logit lens: what the model would predict if it stopped after block l, i.e. the final layer norm and the
 * LM head applied to the residual stream after that block (computed by the generator, main.js `lens`:
 * the top k tokens and their probabilities at temperature 1 over the full vocabulary, per layer and
 * position). A table that is also the heat map: one row per layer, one column per prompt position, each
 * cell the most likely token, shaded by its probability (cividis). A tick marks a cell whose top token is
 * the prompt's actual next token. Choosing a cell lists its top k.
 */
(function (GPT2X) {
  'use strict';

  var percent = GPT2X.percent;

  GPT2X.view('lens', {
    section: 'lens',
    init: function (main) {
      var box = document.getElementById('lens-table-box');
      var detail = document.getElementById('lens-detail');
      if (!main.lens) {
        box.appendChild(GPT2X.el('p', { 'class': 'hint' }, GPT2X.t('lens.missing')));
        return;
      }
      var L = main.lens.shape[0], T = main.lens.shape[1], K = main.lens.shape[2];
      var probs = GPT2X.decode(main.lens.probs);
      var ids = main.lens.ids;
      function at(l, p, j) { return (l * T + p) * K + j; }

      var legend = GPT2X.palette.legend({ kind: 'weight', caption: GPT2X.t('lens.legend'),
        format: function (x) { return x === 0 ? '0%' : '100%'; } });
      box.parentNode.insertBefore(legend, box);
      var table = GPT2X.el('table', { 'class': 'lens', id: 'lens-table' });
      table.appendChild(GPT2X.el('caption', null, GPT2X.t('lens.caption')));
      var thead = GPT2X.el('thead');
      var hr = GPT2X.el('tr');
      hr.appendChild(GPT2X.el('th', { scope: 'col', 'class': 'corner' }, GPT2X.t('lens.corner')));
      for (var p = 0; p < T; p++) {
        hr.appendChild(GPT2X.el('th', { scope: 'col', 'class': 'tok', 'data-position': String(p) }, GPT2X.token(main, main.tokens[p])));
      }
      thead.appendChild(hr);
      table.appendChild(thead);
      var tbody = GPT2X.el('tbody');
      var cells = [];
      for (var l = 0; l < L; l++) {
        var tr = GPT2X.el('tr', { 'data-layer': String(l) });
        tr.appendChild(GPT2X.el('th', { scope: 'row' }, GPT2X.t('lens.row', { layer: l })));
        for (var q = 0; q < T; q++) {
          var id = ids[at(l, q, 0)], pr = probs[at(l, q, 0)];
          var hit = q + 1 < T && main.tokens[q + 1] === id;
          var td = GPT2X.el('td', { 'class': 'lens-cell' + (hit ? ' hit' : ''), 'data-layer': String(l), 'data-position': String(q),
            'data-id': String(id), 'data-prob': String(pr) });
          var b = GPT2X.el('button', { type: 'button', 'aria-label': GPT2X.t('lens.cellLabel', {
            layer: l, position: q, input: GPT2X.token(main, main.tokens[q]), token: GPT2X.token(main, id), p: percent(pr) }) +
            (hit ? ' ' + GPT2X.t('lens.hit') : '') });
          var fill = GPT2X.palette.weightRgb(pr);
          b.style.background = GPT2X.palette.css(fill);
          b.style.color = GPT2X.palette.textOn(fill);
          b.appendChild(GPT2X.el('span', { 'class': 'top' }, GPT2X.token(main, id)));
          b.appendChild(GPT2X.el('span', { 'class': 'p' }, percent(pr)));
          (function (layer, position) {
            b.addEventListener('click', function () { GPT2X.router.set({ view: 'lens', layer: layer, token: position }); });
          }(l, q));
          GPT2X.highlight.source(b, 'token', q, { pick: false });
          td.appendChild(b);
          tr.appendChild(td);
          cells.push(td);
        }
        tbody.appendChild(tr);
      }
      table.appendChild(tbody);
      var tfoot = GPT2X.el('tfoot');
      var fr = GPT2X.el('tr');
      fr.appendChild(GPT2X.el('th', { scope: 'row' }, GPT2X.t('lens.actual')));
      for (var r = 0; r < T; r++) {
        fr.appendChild(GPT2X.el('td', { 'class': 'tok' }, r + 1 < T ? GPT2X.token(main, main.tokens[r + 1]) : '?'));
      }
      tfoot.appendChild(fr);
      table.appendChild(tfoot);
      box.appendChild(table);

      function show() {
        var layer = GPT2X.router.int('layer', L - 1, 0, L - 1);
        var position = GPT2X.router.int('token', T - 1, 0, T - 1);
        cells.forEach(function (c) {
          var on = Number(c.getAttribute('data-layer')) === layer && Number(c.getAttribute('data-position')) === position;
          c.classList.toggle('selected', on);
          c.firstChild.setAttribute('aria-pressed', on ? 'true' : 'false');
        });
        detail.textContent = '';
        detail.appendChild(GPT2X.el('h3', null, GPT2X.t('lens.detail', { layer: layer, position: position,
          token: GPT2X.token(main, main.tokens[position]) })));
        var list = GPT2X.el('ol', { 'class': 'norm-bars lens-top' });
        for (var j = 0; j < K; j++) {
          var li = GPT2X.el('li', { 'data-id': String(ids[at(layer, position, j)]) });
          li.appendChild(GPT2X.el('span', { 'class': 'tok' }, GPT2X.token(main, ids[at(layer, position, j)])));
          li.appendChild(GPT2X.bar(probs[at(layer, position, j)]));
          li.appendChild(GPT2X.el('span', { 'class': 'val' }, percent(probs[at(layer, position, j)])));
          li.setAttribute('tabindex', '0');
          GPT2X.highlight.source(li, 'candidate', ids[at(layer, position, j)]);
          list.appendChild(li);
        }
        detail.appendChild(list);
        light();
      }

      /** Linked highlighting (core.js): the lit token's column, the lit candidate's cells and list entry. */
      function light() {
        var tok = GPT2X.highlight.lit('token'), cand = GPT2X.highlight.lit('candidate');
        table.querySelectorAll('[data-position]').forEach(function (c) {
          c.classList.toggle('lit', Number(c.getAttribute('data-position')) === tok);
        });
        table.querySelectorAll('td[data-id]').forEach(function (c) {
          c.classList.toggle('lit-cand', Number(c.getAttribute('data-id')) === cand);
        });
        detail.querySelectorAll('li[data-id]').forEach(function (li) {
          li.classList.toggle('lit', Number(li.getAttribute('data-id')) === cand);
        });
      }
      GPT2X.on('token', light);
      GPT2X.on('candidate', light);
      GPT2X.router.listen(show);
      show();
    }
  });
}(window.GPT2X));
