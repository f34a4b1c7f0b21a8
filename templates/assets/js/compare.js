/*
 * The comparison page.
 *  - Same head, every prompt: the attention weights (softmax) of the chosen layer and head for every prompt,
 *    side by side. data/compare/attn-<layer>.js holds that layer for every prompt and is loaded only when the
 *    layer is picked (the page opens with data/compare/index.js alone).
 *  - Same word, different contexts: a token that occurs in several prompts, with, in each place, its
 *    embedding norm, the residual stream norm after the last block, the logit lens top-1 after every block,
 *    and its attention row in the chosen head (shading its prompt's tokens).
 * State in the hash: layer, head, token (a token id), view (heads | words).
 */
(function (GPT2X) {
  'use strict';

  var SVG = 'http://www.w3.org/2000/svg';
  // Colours: the site's palette (palette.js), the same weight map as on the prompt pages.
  function weightColour(v) { return GPT2X.palette.weight(v); }

  function svgEl(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  function tokenText(index, id) {
    var v = index.vocab[String(id)];
    return v ? v.visible : '#' + id;
  }

  GPT2X.view('page:compare', {
    init: function () {
      var indexPart = GPT2X.data.compareIndex();
      var index = GPT2X.get(indexPart.key);
      if (!index) {
        throw new Error(GPT2X.t('error.load', { file: indexPart.path }));
      }
      var L = index.model.layers, H = index.model.heads;
      var prompts = index.prompts.map(function (p) {
        return {
          id: p.id, tokens: p.tokens, embedNorm: GPT2X.decode(p.embedNorm), residNorm: GPT2X.decode(p.residNorm),
          lensIds: p.lensIds, lensProbs: GPT2X.decode(p.lensProbs)
        };
      });
      var cells = Array.prototype.slice.call(document.querySelectorAll('.cmp-cell'));
      var titles = cells.map(function (c) { return c.querySelector('.cmp-open').textContent; });
      var pageHrefs = cells.map(function (c) { return c.querySelector('.cmp-open').getAttribute('href'); });
      var layerSelect = document.getElementById('cmp-layer');
      var headButtons = Array.prototype.slice.call(document.querySelectorAll('#cmp-heads .head'));
      var status = document.getElementById('cmp-status');
      var chipBox = document.getElementById('cmp-tokens');
      var wordBox = document.getElementById('cmp-word');
      var decoded = {};

      function layerMaps(layer) {
        if (decoded[layer]) { return Promise.resolve(decoded[layer]); }
        return GPT2X.load(GPT2X.data.compareAttention(layer)).then(function (raw) {
          decoded[layer] = raw.maps.map(function (m) { return { shape: m.shape, values: GPT2X.decode(m) }; });
          return decoded[layer];
        });
      }

      // One legend for every map: they are compared, so they share the absolute 0..1 scale.
      var grid = document.querySelector('#heads .cmp-grid');
      grid.parentNode.insertBefore(GPT2X.palette.legend({ kind: 'weight', masked: true, caption: GPT2X.t('legend.weight') }), grid);

      // ---- controls ----
      var showLayer = GPT2X.layerSelect(layerSelect, L, function (l) { GPT2X.router.set({ layer: l }); });
      headButtons.forEach(function (b) {
        b.addEventListener('click', function () { GPT2X.router.set({ head: b.getAttribute('data-head') }); });
      });
      var chips = {};
      if (index.shared.length === 0) {
        chipBox.appendChild(GPT2X.el('p', { 'class': 'hint' }, GPT2X.t('compare.words.none')));
      }
      index.shared.forEach(function (s) {
        var n = {};
        s.at.forEach(function (pair) { n[pair[0]] = true; });
        var chip = GPT2X.el('button', { type: 'button', 'class': 'chip', 'data-token': String(s.id) });
        chip.appendChild(GPT2X.el('span', { 'class': 'chip-text' }, tokenText(index, s.id)));
        chip.appendChild(GPT2X.el('span', { 'class': 'chip-count' }, GPT2X.t('compare.words.count', { n: Object.keys(n).length })));
        chip.addEventListener('click', function () {
          var current = GPT2X.router.get('token');
          GPT2X.router.set({ token: current === String(s.id) ? undefined : s.id, view: 'words' });
        });
        chipBox.appendChild(chip);
        chips[s.id] = chip;
      });

      // ---- same head, every prompt ----
      function drawMap(box, p, map, head, layer, tokenId) {
        var tokens = prompts[p].tokens;
        var T = tokens.length;
        var cell = Math.max(8, Math.min(20, Math.floor(240 / T)));
        var labelW = 76, labelH = 62;
        var w = labelW + T * cell + 2, h = labelH + T * cell + 2;
        var svg = svgEl('svg', { viewBox: '0 0 ' + w + ' ' + h, width: w, height: h, role: 'img',
          'aria-label': GPT2X.t('compare.map', { prompt: titles[p], layer: layer, head: head }) });
        for (var i = 0; i < T; i++) {
          var hot = tokenId !== null && tokens[i] === tokenId;
          var q = svgEl('text', { x: labelW - 4, y: labelH + i * cell + cell / 2, dy: '0.35em', 'text-anchor': 'end',
            'class': 'qlabel' + (hot ? ' hot' : '') });
          q.textContent = tokenText(index, tokens[i]);
          svg.appendChild(q);
          var k = svgEl('text', { transform: 'translate(' + (labelW + i * cell + cell / 2) + ',' + (labelH - 4) + ') rotate(-60)',
            dy: '0.35em', 'class': 'klabel' });
          k.textContent = tokenText(index, tokens[i]);
          svg.appendChild(k);
        }
        var base = head * T * T;
        for (var r = 0; r < T; r++) {
          for (var c = 0; c < T; c++) {
            var v = map.values[base + r * T + c];
            var rect = svgEl('rect', { x: labelW + c * cell, y: labelH + r * cell, width: cell - 1, height: cell - 1,
              'class': c > r ? 'cell masked' : 'cell' });
            rect.setAttribute('fill', c <= r ? weightColour(v) : GPT2X.palette.maskedFill());
            rect.addEventListener('mousemove', tipFor(p, r, c, v));
            rect.addEventListener('mouseleave', GPT2X.untip);
            svg.appendChild(rect);
          }
          if (tokenId !== null && tokens[r] === tokenId) {
            svg.appendChild(svgEl('rect', { x: labelW - 1, y: labelH + r * cell - 1, width: T * cell + 1, height: cell + 1,
              'class': 'row-mark' }));
          }
        }
        box.textContent = '';
        var link = GPT2X.el('a', { href: pageHrefs[p] + '#' + attentionHash(layer, head, null), 'class': 'cmp-map-link' });
        link.appendChild(svg);
        box.appendChild(link);
        // the same weights as numbers: one row per query token, one column per key token (future keys blank)
        var label = svg.getAttribute('aria-label');
        var table = GPT2X.a11y.dataTable(box, { id: 'cmp-data-' + p, caption: label, rowHeaders: true,
          columns: [GPT2X.t('a11y.attention.corner')].concat(tokens.map(function (id) { return tokenText(index, id); })),
          rows: tokens.map(function (id, r) {
            return [tokenText(index, id)].concat(tokens.map(function (k, c) { return c > r ? '' : map.values[base + r * T + c]; }));
          }) });
        GPT2X.a11y.chart(svg, label, table, false);
      }

      function tipFor(p, r, c, v) {
        var tokens = prompts[p].tokens;
        return function (evt) {
          GPT2X.tip(evt, [GPT2X.num(v, 3), GPT2X.t('attention.cell', {
            query: tokenText(index, tokens[r]), q: r, key: tokenText(index, tokens[c]), k: c })]);
        };
      }

      function attentionHash(layer, head, position) {
        return 'head=' + head + '&layer=' + layer + (position === null ? '' : '&token=' + position) + '&view=attention';
      }

      // ---- same word, different contexts ----
      function drawWord(tokenId, layer, head, maps) {
        wordBox.textContent = '';
        var shared = index.shared.filter(function (s) { return s.id === tokenId; })[0];
        if (!shared) {
          wordBox.appendChild(GPT2X.el('p', { 'class': 'hint' }, GPT2X.t('compare.words.choose')));
          return;
        }
        var table = GPT2X.el('table', { 'class': 'dist cmp-occ' });
        var head1 = GPT2X.el('tr');
        [GPT2X.t('compare.col.prompt'), GPT2X.t('compare.col.attn', { layer: layer, head: head }),
          GPT2X.t('compare.col.embed'), GPT2X.t('compare.col.resid'), GPT2X.t('compare.col.lens'),
          GPT2X.t('compare.col.next')].forEach(function (label) { head1.appendChild(GPT2X.el('th', null, label)); });
        table.appendChild(GPT2X.el('thead')).appendChild(head1);
        var body = table.appendChild(GPT2X.el('tbody', { id: 'cmp-rows' }));
        shared.at.forEach(function (pair) {
          var p = pair[0], pos = pair[1];
          var pr = prompts[p], T = pr.tokens.length;
          var tr = GPT2X.el('tr', { 'data-prompt': pr.id, 'data-position': String(pos) });
          var where = GPT2X.el('td', { 'class': 'cmp-where' });
          where.appendChild(GPT2X.el('a', { href: pageHrefs[p] + '#' + attentionHash(layer, head, pos) }, titles[p]));
          where.appendChild(GPT2X.el('div', { 'class': 'hint' }, GPT2X.t('compare.position', { pos: pos })));
          tr.appendChild(where);

          var context = GPT2X.el('td', { 'class': 'cmp-context' });
          var row = maps ? maps[p].values.subarray((head * T + pos) * T, (head * T + pos) * T + T) : null;
          pr.tokens.forEach(function (id, k) {
            var span = GPT2X.el('span', { 'class': 'ctx-tok' + (k === pos ? ' self' : '') + (k > pos ? ' after' : '') },
              tokenText(index, id));
            if (row && k <= pos) {
              span.style.backgroundColor = weightColour(row[k]);
              if (GPT2X.palette.isDark(GPT2X.palette.weightRgb(row[k]))) { span.classList.add('dark'); }
              span.title = GPT2X.num(row[k], 3);
            }
            context.appendChild(span);
          });
          tr.appendChild(context);

          tr.appendChild(GPT2X.el('td', { 'class': 'num embed' }, GPT2X.num(pr.embedNorm[pos], 4)));
          tr.appendChild(GPT2X.el('td', { 'class': 'num resid' }, GPT2X.num(pr.residNorm[(L - 1) * T + pos], 4)));

          var lens = GPT2X.el('td', { 'class': 'cmp-lens' });
          var strip = GPT2X.el('ol', { 'class': 'lens-strip' });
          for (var l = 0; l < L; l++) {
            var id = pr.lensIds[l * T + pos], prob = pr.lensProbs[l * T + pos];
            var li = GPT2X.el('li', { 'class': 'lens-step', 'data-layer': String(l) }, tokenText(index, id));
            li.title = GPT2X.t('compare.lens.step', { layer: l, token: tokenText(index, id), p: GPT2X.percent(prob) });
            li.style.opacity = String(0.5 + 0.5 * Math.sqrt(prob));
            strip.appendChild(li);
          }
          lens.appendChild(strip);
          tr.appendChild(lens);

          var lastId = pr.lensIds[(L - 1) * T + pos], lastP = pr.lensProbs[(L - 1) * T + pos];
          var next = GPT2X.el('td', { 'class': 'cmp-next' });
          next.appendChild(GPT2X.el('span', { 'class': 'tok' }, tokenText(index, lastId)));
          next.appendChild(GPT2X.el('span', { 'class': 'num' }, ' ' + GPT2X.percent(lastP)));
          tr.appendChild(next);
          body.appendChild(tr);
        });
        wordBox.appendChild(table);
      }

      // ---- state ----
      var drawn = '';
      function show() {
        var layer = GPT2X.router.int('layer', 0, 0, L - 1);
        var head = GPT2X.router.int('head', 0, 0, H - 1);
        var t = parseInt(GPT2X.router.get('token', ''), 10);
        var tokenId = Number.isNaN(t) ? null : t;
        showLayer(layer);
        headButtons.forEach(function (b, i) { b.setAttribute('aria-pressed', i === head ? 'true' : 'false'); });
        Object.keys(chips).forEach(function (id) { chips[id].setAttribute('aria-pressed', Number(id) === tokenId ? 'true' : 'false'); });
        cells.forEach(function (c, p) {
          c.querySelector('.cmp-open').setAttribute('href', pageHrefs[p] + '#' + attentionHash(layer, head, null));
        });
        var key = layer + '/' + head + '/' + tokenId;
        if (key === drawn) { return; }
        status.textContent = decoded[layer] ? '' : GPT2X.t('compare.loading', { layer: layer });
        layerMaps(layer).then(function (maps) {
          // A slower earlier load must not overwrite a later choice.
          if (GPT2X.router.int('layer', 0, 0, L - 1) !== layer || GPT2X.router.int('head', 0, 0, H - 1) !== head) { return; }
          status.textContent = '';
          cells.forEach(function (c, p) { drawMap(c.querySelector('.cmp-map'), p, maps[p], head, layer, tokenId); });
          drawWord(tokenId, layer, head, maps);
          drawn = key;
          document.body.classList.add('ready');
        }).catch(function (err) { status.textContent = ''; GPT2X.fail('heads', err); });
      }

      var lastView = GPT2X.router.get('view');
      GPT2X.router.listen(function (state) {
        show();
        if (state.view && state.view !== lastView && (state.view === 'heads' || state.view === 'words')) {
          GPT2X.scrollToSection(state.view);
        }
        lastView = state.view;
      });
      show();
      if (lastView === 'heads' || lastView === 'words') { GPT2X.scrollToSection(lastView); }
    }
  });
}(window.GPT2X));
