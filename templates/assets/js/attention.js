/*
 * Attention view for any layer and head: the compact view shows the attention weights (softmax); "show the
 * steps" expands it, with an animation, into the four captured stages
 *   raw scores Q·Kᵀ  ->  scaled ÷ √d  ->  masked (future keys -∞)  ->  softmax (each row sums to 1).
 * Every cell is a captured value from data/<id>/attn-<layer>.js (loaded when first needed). Hovering a
 * cell shows its value and highlights its query (row) and key (column) tokens in every panel.
 */
(function (GPT2X) {
  'use strict';

  var STAGES = ['attn.scores', 'attn.scaled', 'attn.masked', 'attn.softmax'];
  var decoded = {}; // layer -> {stage: Float32Array, shape}

  function layerData(main, layer) {
    if (decoded[layer]) { return Promise.resolve(decoded[layer]); }
    var id = main.promptId;
    return GPT2X.require(id + '/attn-' + layer, 'data/' + id + '/attn-' + layer + '.js').then(function (raw) {
      var out = { shape: raw['attn.softmax'].shape };
      STAGES.forEach(function (s) { out[s] = GPT2X.decode(raw[s]); });
      decoded[layer] = out;
      return out;
    });
  }

  function colourFor(stage, lo, hi) {
    if (stage === 'attn.softmax') {
      // Sequential cividis (colour-blind safe), pale at 0, dark at 1 (square root so small weights stay visible).
      return function (v) { return GPT2X.palette.sequential(Math.sqrt(Math.max(0, v))); };
    }
    var m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    // Diverging blue-orange (colour-blind safe): negative blue, positive orange.
    return function (v) { return GPT2X.palette.diverging(v / m); };
  }

  function drawPanel(container, main, data, layer, head, stage, compact) {
    var shape = data.shape; // [H, T, S]
    var T = shape[1], S = shape[2];
    var offset = S - T; // keys before the first query (0 for the prompt itself)
    var values = data[stage];
    var cell = compact ? Math.max(14, Math.min(30, Math.floor(420 / Math.max(T, S)))) : Math.max(10, Math.min(22, Math.floor(300 / Math.max(T, S))));
    var labelW = 84, labelH = 84;
    var w = labelW + S * cell + 4, h = labelH + T * cell + 4;
    // Scores, scaled and masked share one colour scale (that of the raw scores), so dividing by √d shows
    // as a fainter panel rather than being normalised away.
    var ref = stage === 'attn.softmax' ? values : data['attn.scores'];
    var lo = Infinity, hi = -Infinity;
    for (var q = 0; q < T; q++) {
      for (var k = 0; k < S; k++) {
        var v = ref[GPT2X.index(shape, [head, q, k])];
        if (isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      }
    }
    var colour = colourFor(stage, lo, hi);
    var panel = GPT2X.el('figure', { 'class': 'attn-panel', 'data-stage': stage });
    panel.appendChild(GPT2X.el('figcaption', null, GPT2X.t('attention.stage.' + stage)));
    container.appendChild(panel);
    var stageName = GPT2X.t('attention.stage.' + stage);
    var which = GPT2X.t('attention.which', { layer: layer, head: head });
    var svg = d3.select(panel).append('svg').attr('viewBox', '0 0 ' + w + ' ' + h).attr('width', w).attr('height', h);
    var tokenText = function (i) { return GPT2X.token(main, main.tokens[i]); };
    svg.append('g').attr('class', 'rows').attr('aria-hidden', 'true').selectAll('text').data(d3.range(T)).join('text')
      .attr('class', 'qlabel').attr('data-q', function (d) { return d; })
      .attr('x', labelW - 4).attr('y', function (d) { return labelH + d * cell + cell / 2; })
      .attr('dy', '0.35em').attr('text-anchor', 'end')
      .text(tokenText)
      .on('click', function (evt, d) {
        // A row label picks that token as the query (state key `token`, shared with the tokens view).
        GPT2X.router.set({ token: GPT2X.router.get('token') === String(d) ? undefined : d });
      });
    svg.append('g').attr('class', 'cols').attr('aria-hidden', 'true').selectAll('text').data(d3.range(S)).join('text')
      .attr('class', 'klabel').attr('data-k', function (d) { return d; })
      .attr('transform', function (d) { return 'translate(' + (labelW + d * cell + cell / 2) + ',' + (labelH - 4) + ') rotate(-60)'; })
      .attr('dy', '0.35em')
      .text(tokenText);
    // The cells form an ARIA grid (rows of cells) with one tab stop; arrow keys move between cells.
    var grid = svg.append('g').attr('class', 'cells').attr('role', 'grid')
      .attr('aria-label', GPT2X.t('a11y.attention.grid', { stage: stageName }));
    var rowSel = grid.selectAll('g').data(d3.range(T)).join('g').attr('role', 'row');
    var cellSel = rowSel.selectAll('rect').data(function (qi) {
      return d3.range(S).map(function (ki) { return { q: qi, k: ki, v: values[GPT2X.index(shape, [head, qi, ki])] }; });
    }).join('rect')
      .attr('role', 'gridcell')
      .attr('x', function (d) { return labelW + d.k * cell; }).attr('y', function (d) { return labelH + d.q * cell; })
      .attr('width', cell - 1).attr('height', cell - 1)
      .attr('class', function (d) { return isFinite(d.v) && !(stage === 'attn.softmax' && d.k > d.q + offset) ? 'cell' : 'cell masked'; })
      .attr('fill', function (d) { return isFinite(d.v) ? colour(d.v) : null; })
      .attr('aria-label', function (d) {
        return GPT2X.t('a11y.attention.cellLabel', { value: GPT2X.num(d.v, 4), cell: GPT2X.t('attention.cell', {
          query: tokenText(d.q), q: d.q, key: tokenText(d.k), k: d.k }) });
      })
      .on('mouseenter', function (evt, d) { highlight(d.q, d.k); })
      .on('mousemove', function (evt, d) {
        GPT2X.tip(evt, [GPT2X.num(d.v, 4), GPT2X.t('attention.cell', {
          query: tokenText(d.q), q: d.q, key: tokenText(d.k), k: d.k })]);
      })
      .on('mouseleave', function () { highlight(-1, -1); GPT2X.untip(); })
      .on('blur', function () { highlight(-1, -1); });
    // The selected query row's frame; placed by markSelected().
    svg.append('rect').attr('class', 'row-mark').attr('x', labelW - 1).attr('width', S * cell + 1)
      .attr('height', cell + 1).attr('data-cell', cell).attr('data-top', labelH).attr('visibility', 'hidden');
    GPT2X.a11y.grid(cellSel.nodes(), T, S, highlight);
    // The same numbers as a table: rows are queries, columns keys.
    var rows = d3.range(T).map(function (qi) {
      return [qi + ' ' + tokenText(qi)].concat(d3.range(S).map(function (ki) { return values[GPT2X.index(shape, [head, qi, ki])]; }));
    });
    var table = GPT2X.a11y.dataTable(panel, {
      id: 'attn-data-' + stage.replace('.', '-'), rowHeaders: true,
      caption: GPT2X.t('a11y.attention.table', { stage: stageName, which: which }),
      columns: [GPT2X.t('a11y.attention.corner')].concat(d3.range(S).map(function (ki) { return ki + ' ' + tokenText(ki); })),
      rows: rows
    });
    GPT2X.a11y.chart(svg.node(), stageName + ' \u2014 ' + which, table, true);
    return panel;
  }

  /** Frames the row of the selected query token (state `token`) in every panel and names it. */
  function markSelected(main) {
    var q = GPT2X.router.int('token', -1, -1, main.tokens.length - 1);
    document.querySelectorAll('#attention .qlabel').forEach(function (e) {
      e.classList.toggle('selected', Number(e.getAttribute('data-q')) === q);
    });
    document.querySelectorAll('#attention .row-mark').forEach(function (r) {
      var cell = Number(r.getAttribute('data-cell')), top = Number(r.getAttribute('data-top'));
      r.setAttribute('y', String(top + q * cell - 1));
      r.setAttribute('visibility', q < 0 ? 'hidden' : 'visible');
    });
    var note = document.getElementById('attn-selected');
    if (note) {
      note.textContent = q < 0 ? '' : GPT2X.t('attention.selected', { token: GPT2X.token(main, main.tokens[q]), pos: q });
    }
  }

  function highlight(q, k) {
    document.querySelectorAll('#attention .qlabel').forEach(function (e) {
      e.classList.toggle('hot', Number(e.getAttribute('data-q')) === q);
    });
    document.querySelectorAll('#attention .klabel').forEach(function (e) {
      e.classList.toggle('hot', Number(e.getAttribute('data-k')) === k);
    });
    document.querySelectorAll('#tokens .token[data-position]').forEach(function (e) {
      var p = Number(e.getAttribute('data-position'));
      e.classList.toggle('hot-query', p === q);
      e.classList.toggle('hot-key', p === k);
    });
  }

  GPT2X.view('attention', {
    init: function (main) {
      var L = main.model.layers, H = main.model.heads;
      var layerSelect = document.getElementById('attn-layer');
      var headBox = document.getElementById('attn-heads');
      var stagesBox = document.getElementById('attn-stages');
      var toggle = document.getElementById('attn-expand');
      var status = document.getElementById('attn-status');
      for (var l = 0; l < L; l++) {
        layerSelect.appendChild(GPT2X.el('option', { value: String(l) }, GPT2X.t('attention.layer', { layer: l })));
      }
      var headButtons = [];
      for (var h = 0; h < H; h++) {
        var b = GPT2X.el('button', { type: 'button', 'class': 'head', 'data-head': String(h) }, String(h));
        b.setAttribute('aria-label', GPT2X.t('attention.head', { head: h }));
        b.addEventListener('click', function (e) { GPT2X.router.set({ head: e.currentTarget.getAttribute('data-head') }); });
        headBox.appendChild(b);
        headButtons.push(b);
      }
      layerSelect.addEventListener('change', function () { GPT2X.router.set({ layer: layerSelect.value }); });
      toggle.addEventListener('click', function () {
        GPT2X.router.set({ steps: GPT2X.router.get('steps') === '1' ? undefined : '1' });
      });
      document.getElementById('attn-scale').textContent =
        GPT2X.t('attention.scale', { d: main.model.headDim, sqrt: GPT2X.num(Math.sqrt(main.model.headDim), 4) });

      var shown = '';
      function show() {
        var layer = GPT2X.router.int('layer', 0, 0, L - 1);
        var head = GPT2X.router.int('head', 0, 0, H - 1);
        var expanded = GPT2X.router.get('steps') === '1';
        layerSelect.value = String(layer);
        headButtons.forEach(function (btn, i) { btn.setAttribute('aria-pressed', i === head ? 'true' : 'false'); });
        toggle.textContent = GPT2X.t(expanded ? 'attention.collapse' : 'attention.expand');
        toggle.setAttribute('aria-expanded', expanded ? 'true' : 'false');
        var key = layer + '/' + head + '/' + expanded;
        markSelected(main);
        if (key === shown) { return; }
        status.textContent = GPT2X.t('attention.loading');
        layerData(main, layer).then(function (data) {
          shown = key;
          status.textContent = '';
          stagesBox.textContent = '';
          stagesBox.classList.toggle('expanded', expanded);
          var stages = expanded ? STAGES : ['attn.softmax'];
          stages.forEach(function (stage, i) {
            var panel = drawPanel(stagesBox, main, data, layer, head, stage, !expanded);
            panel.setAttribute('data-layer', String(layer));
            panel.setAttribute('data-head', String(head));
            if (expanded) {
              // Unfold left to right: each stage appears a moment after the one it is computed from.
              panel.classList.add('unfold');
              panel.style.transitionDelay = (i * 140) + 'ms';
              if (i < stages.length - 1) {
                stagesBox.appendChild(GPT2X.el('div', { 'class': 'attn-arrow', 'aria-hidden': 'true' },
                  GPT2X.t('attention.arrow.' + i)));
              }
            }
          });
          markSelected(main);
          if (expanded) {
            window.requestAnimationFrame(function () {
              window.requestAnimationFrame(function () {
                stagesBox.querySelectorAll('.unfold').forEach(function (p) { p.classList.add('open'); });
              });
            });
          }
        }).catch(function (err) { status.textContent = ''; GPT2X.fail('attention', err); });
      }
      GPT2X.router.listen(show);
      show();
    }
  });
}(window.GPT2X));
