/*
 * Attention view for any layer and head: the compact view shows the attention weights (softmax); "show the
 * steps" expands it, with an animation, into the four captured stages, left to right with arrows between
 * them (stacked on narrow screens), each with its own legend:
 *   raw scores Q·Kᵀ  ->  scaled ÷ √d  ->  masked (future keys -∞, hatched)  ->  softmax (each row sums to 1).
 * Below the steps, the hovered (focused, tapped) cell's making: the query's Q and the key's K of this head
 * side by side with their products, whose sum is the raw score. Every cell is a captured value from
 * data/<id>/attn-<layer>.js, Q and K from layer-<layer>.js (loaded when first needed). Hovering a cell shows
 * its value and highlights its query (row) and key (column) tokens in every panel.
 */
(function (GPT2X) {
  'use strict';

  var STAGES = ['attn.scores', 'attn.scaled', 'attn.masked', 'attn.softmax'];
  var decoded = {}; // layer -> {stage: Float32Array, shape}

  function layerData(main, layer) {
    if (decoded[layer]) { return Promise.resolve(decoded[layer]); }
    return GPT2X.load(GPT2X.data.attention(main.promptId, layer)).then(function (raw) {
      var out = { shape: raw['attn.softmax'].shape };
      STAGES.forEach(function (s) { out[s] = GPT2X.decode(raw[s]); });
      decoded[layer] = out;
      return out;
    });
  }

  /**
   * The colour of a stage: softmax weights on the sequential map (0..1); scores on the diverging map, each
   * panel with its own limit (the largest finite |value| of the head), shown in its legend.
   */
  function colourFor(stage, limit) {
    if (stage === 'attn.softmax') { return function (v) { return GPT2X.palette.weight(v); }; }
    return function (v) { return GPT2X.palette.signed(v, limit); };
  }

  function drawPanel(container, main, data, layer, head, stage, compact) {
    var shape = data.shape; // [H, T, S]
    var T = shape[1], S = shape[2];
    var offset = S - T; // keys before the first query (0 for the prompt itself)
    var values = data[stage];
    var labelW = compact ? 84 : 64, labelH = compact ? 84 : 64;
    var cell;
    if (compact) {
      cell = Math.max(14, Math.min(30, Math.floor(420 / Math.max(T, S))));
    } else {
      // Four panels and three arrows in one row when the section is wide enough (stacked below 700 px).
      var avail = (container.clientWidth || 1000);
      var perPanel = avail >= 700 ? (avail - 3 * 56) / 4 : avail;
      cell = Math.max(8, Math.min(22, Math.floor((perPanel - labelW - 6) / Math.max(T, S))));
    }
    var w = labelW + S * cell + 4, h = labelH + T * cell + 4;
    var limit = 0;
    for (var q = 0; q < T; q++) {
      for (var k = 0; k < S; k++) {
        var v = values[GPT2X.index(shape, [head, q, k])];
        if (isFinite(v)) { limit = Math.max(limit, Math.abs(v)); }
      }
    }
    var colour = colourFor(stage, limit || 1);
    var isMasked = function (d) { return !isFinite(d.v) || (stage !== 'attn.scores' && stage !== 'attn.scaled' && d.k > d.q + offset); };
    var panel = GPT2X.el('figure', { 'class': 'attn-panel', 'data-stage': stage });
    panel.style.maxWidth = 'min(100%, ' + Math.max(w, 220) + 'px)';
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
      .attr('class', function (d) { return isMasked(d) ? 'cell masked' : 'cell'; })
      .attr('fill', function (d) { return isMasked(d) ? GPT2X.palette.maskedFill() : colour(d.v); })
      .attr('aria-label', function (d) {
        return GPT2X.t('a11y.attention.cellLabel', { value: GPT2X.num(d.v, 4), cell: GPT2X.t('attention.cell', {
          query: tokenText(d.q), q: d.q, key: tokenText(d.k), k: d.k }) });
      })
      .on('mouseenter', function (evt, d) { highlight(d.q, d.k); })
      .on('click', function (evt, d) { highlight(d.q, d.k); })
      .on('mouseleave.hot', function () { highlight(-1, -1); })
      .on('blur.hot', function () { highlight(-1, -1); });
    // The selected query row's frame; placed by markSelected().
    svg.append('rect').attr('class', 'row-mark').attr('x', labelW - 1).attr('width', S * cell + 1)
      .attr('height', cell + 1).attr('data-cell', cell).attr('data-top', labelH).attr('visibility', 'hidden');
    // The lit token's row (as query) and column (as key): placed by lightToken().
    svg.append('rect').attr('class', 'lit-band lit-row').attr('x', labelW - 1).attr('width', S * cell + 1)
      .attr('height', cell + 1).attr('data-cell', cell).attr('data-start', labelH).attr('data-limit', T).attr('visibility', 'hidden');
    svg.append('rect').attr('class', 'lit-band lit-col').attr('y', labelH - 1).attr('height', T * cell + 1)
      .attr('width', cell + 1).attr('data-cell', cell).attr('data-start', labelW).attr('data-limit', S).attr('visibility', 'hidden');
    svg.selectAll('.qlabel, .klabel').each(function (d) { GPT2X.highlight.source(this, 'token', d, { pick: false }); });
    GPT2X.a11y.grid(cellSel.nodes(), T, S, highlight);
    cellSel.each(function (d) { // after grid(): the cells are tab stops now, so focus shows the tip too
      GPT2X.hoverTip(this, function () {
        return [GPT2X.num(d.v, 4), GPT2X.t('attention.cell', { query: tokenText(d.q), q: d.q, key: tokenText(d.k), k: d.k })];
      });
    });
    panel.appendChild(stage === 'attn.softmax'
      ? GPT2X.palette.legend({ kind: 'weight', caption: GPT2X.t('legend.weight'), masked: true,
        format: function (x) { return GPT2X.num(x, 2); } })
      : GPT2X.palette.legend({ kind: 'signed', limit: limit || 1, masked: stage === 'attn.masked', caption: GPT2X.t('legend.score') }));
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

  /** Linked highlighting: the lit token's row and column framed in every panel, its labels marked. */
  function lightToken() {
    var p = GPT2X.highlight.lit('token');
    document.querySelectorAll('#attention .lit-band, #zoom .lit-band').forEach(function (r) {
      var cell = Number(r.getAttribute('data-cell')), start = Number(r.getAttribute('data-start'));
      var on = p !== null && p >= 0 && p < Number(r.getAttribute('data-limit'));
      r.setAttribute(r.classList.contains('lit-row') ? 'y' : 'x', String(start + (on ? p : 0) * cell - 1));
      r.setAttribute('visibility', on ? 'visible' : 'hidden');
      r.classList.toggle('lit', on);
    });
    document.querySelectorAll('#attention .qlabel, #attention .klabel, #zoom .qlabel, #zoom .klabel').forEach(function (e) {
      e.classList.toggle('lit', Number(e.getAttribute('data-q') || e.getAttribute('data-k')) === p);
    });
  }
  GPT2X.on('token', lightToken);

  var showProducts = null; // (q, k) -> draws Q, K and their products for that cell (steps shown only)

  /**
   * The hovered (or focused, or tapped) cell's making: the query's Q vector and the key's K vector of this
   * head side by side, their elementwise products, and the sum of the products, which is the raw score; then
   * the scaled, masked and softmax values of the same cell. All captured values (layer file: attn.q, attn.k).
   */
  function productsView(box, main, layerFile, data, head) {
    var D = main.model.headDim;
    var qShape = layerFile.shapes['attn.q'], kShape = layerFile.shapes['attn.k']; // [H, T, D], [H, S, D]
    var T = data.shape[1], S = data.shape[2];
    var tokenText = function (i) { return GPT2X.token(main, main.tokens[i]); };
    return function (q, k) {
      if (q < 0 || k < 0 || q >= T || k >= S) { return; }
      var qv = [], kv = [], pv = [], sum = 0;
      for (var i = 0; i < D; i++) {
        var a = layerFile['attn.q'][GPT2X.index(qShape, [head, q, i])];
        var b = layerFile['attn.k'][GPT2X.index(kShape, [head, k, i])];
        qv.push(a); kv.push(b); pv.push(a * b); sum += a * b;
      }
      var at = GPT2X.index(data.shape, [head, q, k]);
      box.textContent = '';
      box.setAttribute('data-q', String(q));
      box.setAttribute('data-k', String(k));
      box.appendChild(GPT2X.el('h3', null, GPT2X.t('attention.qk.title', { cell: GPT2X.t('attention.cell', {
        query: tokenText(q), q: q, key: tokenText(k), k: k }) })));
      var limit = GPT2X.palette.sharedLimit([qv, kv, pv]);
      var cw = Math.max(6, Math.min(18, Math.floor(((box.clientWidth || 900) - 90) / D)));
      var labelW = 84, rowH = 20;
      var svgNode = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      var svg = d3.select(svgNode).attr('viewBox', '0 0 ' + (labelW + D * cw + 2) + ' ' + (3 * rowH))
        .attr('width', labelW + D * cw + 2).attr('height', 3 * rowH);
      var rows = [['q', GPT2X.t('attention.qk.q', { token: tokenText(q) }), qv],
        ['k', GPT2X.t('attention.qk.k', { token: tokenText(k) }), kv],
        ['p', GPT2X.t('attention.qk.product'), pv]];
      rows.forEach(function (row, r) {
        svg.append('text').attr('x', labelW - 4).attr('y', r * rowH + rowH / 2).attr('dy', '0.35em')
          .attr('text-anchor', 'end').text(row[1]);
        svg.append('g').attr('class', 'qk-' + row[0]).selectAll('rect')
          .data(row[2].map(function (v, i) { return { v: v, i: i }; })).join('rect')
          .attr('x', function (d) { return labelW + d.i * cw; }).attr('y', r * rowH + 2)
          .attr('width', cw - 1).attr('height', rowH - 4).attr('data-value', function (d) { return String(d.v); })
          .attr('fill', function (d) { return GPT2X.palette.signed(d.v, limit); })
          .each(function (d) {
            GPT2X.hoverTip(this, function () {
              return [GPT2X.product(qv[d.i], kv[d.i], 4) + ' = ' + GPT2X.num(pv[d.i], 4), GPT2X.t('depth.col.dim', { n: d.i })];
            });
          });
      });
      box.appendChild(svgNode);
      var table = GPT2X.a11y.dataTable(box, { id: 'attn-qk-data', caption: GPT2X.t('attention.qk.aria', { d: D }),
        columns: [GPT2X.t('attention.qk.dim'), 'Q', 'K', 'Q \u00d7 K'],
        rows: qv.map(function (a, i) { return [String(i), a, kv[i], pv[i]]; }) });
      GPT2X.a11y.chart(svgNode, GPT2X.t('attention.qk.aria', { d: D }), table, false);
      box.appendChild(GPT2X.el('p', { 'class': 'hint qk-dims' }, GPT2X.t('attention.qk.dims.' + GPT2X.gesture(), { d: D })));
      box.appendChild(GPT2X.palette.legend({ kind: 'signed', limit: limit, caption: GPT2X.t('legend.value') }));
      var terms = [];
      for (var j = 0; j < Math.min(3, D); j++) { terms.push(GPT2X.product(qv[j], kv[j], 3)); }
      var line = GPT2X.el('p', { 'class': 'qk-sum' });
      line.textContent = GPT2X.t('attention.qk.sum', { terms: terms.join(' + ') + (D > 3 ? ' + \u2026' : ''),
        sum: GPT2X.num(sum, 4), stored: GPT2X.num(data['attn.scores'][at], 4) });
      box.appendChild(line);
      box.appendChild(GPT2X.el('p', { 'class': 'qk-chain' }, GPT2X.t('attention.qk.chain', {
        scaled: GPT2X.num(data['attn.scaled'][at], 4), masked: GPT2X.num(data['attn.masked'][at], 4),
        weight: GPT2X.num(data['attn.softmax'][at], 4) })));
      box.appendChild(table); // the numbers of the picture, last
    };
  }

  function highlight(q, k) {
    if (showProducts && q >= 0) { showProducts(q, k); }
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

  var CARD = 60;   // a head card's side, px

  /**
   * The layer's H heads as a stack of cards, each showing its weights, the chosen head in front ("× H heads"):
   * clicking the stack fans the cards out, clicking a fanned card chooses that head (state `head`).
   */
  function headStack(main, data, head, width) {
    var H = data.shape[0];
    var wrap = GPT2X.el('div', { 'class': 'head-stack-wrap' });
    var stack = GPT2X.el('div', { 'class': 'head-stack', role: 'group', 'aria-label': GPT2X.t('zoom.heads.label', { n: H }) });
    var step = H > 1 ? Math.min(6, 60 / (H - 1)) : 0;   // how far each card behind peeks out
    var perRow = Math.max(1, Math.floor(Math.max(CARD + 8, width - 8) / (CARD + 8)));
    var cards = [];
    function lay(fanned) {
      stack.classList.toggle('fanned', fanned);
      stack.style.width = (fanned ? Math.min(H, perRow) * (CARD + 8) : CARD + 4 + (H - 1) * step) + 'px';
      stack.style.height = (fanned ? Math.ceil(H / perRow) * (CARD + 8) : CARD + 4 + (H - 1) * step) + 'px';
      cards.forEach(function (c, h) {
        var rank = (h - head + H) % H;    // 0: the chosen head, in front; the others behind it in head order
        c.style.left = (fanned ? (h % perRow) * (CARD + 8) : rank * step) + 'px';
        c.style.top = (fanned ? Math.floor(h / perRow) * (CARD + 8) : (H - 1 - rank) * step) + 'px';
        c.style.zIndex = String(fanned ? 1 : H - rank);
        c.setAttribute('aria-label', GPT2X.t(fanned ? 'zoom.heads.choose' : 'zoom.heads.fan', { head: h, n: H }));
      });
    }
    for (var h = 0; h < H; h++) {
      var card = GPT2X.el('button', { type: 'button', 'class': 'head-card', 'data-head': String(h),
        'aria-pressed': h === head ? 'true' : 'false' });
      card.style.width = CARD + 'px';
      card.style.height = CARD + 'px';
      var canvas = GPT2X.el('canvas', { 'aria-hidden': 'true' });
      GPT2X.views.heads.paint(canvas, data['attn.softmax'], h * data.shape[1] * data.shape[2], data.shape[1]); // the gallery's map
      card.appendChild(canvas);
      card.appendChild(GPT2X.el('span', { 'class': 'head-card-n' }, String(h)));
      card.addEventListener('click', function (e) {
        if (!stack.classList.contains('fanned')) { lay(true); return; }
        lay(false);
        GPT2X.router.set({ head: e.currentTarget.getAttribute('data-head') });
      });
      stack.appendChild(card);
      cards.push(card);
    }
    lay(false);
    wrap.appendChild(stack);
    var words = GPT2X.el('p', { 'class': 'head-stack-count' });
    words.appendChild(GPT2X.el('strong', null, GPT2X.t('zoom.heads', { n: H })));
    words.appendChild(document.createTextNode(' ' + GPT2X.t('zoom.heads.front', { head: head })));
    wrap.appendChild(words);
    return wrap;
  }

  GPT2X.view('attention', {
    section: 'attention',
    stages: STAGES,
    drawPanel: drawPanel, // also draws the chapters' attention figures (figures.js)

    /**
     * The attention operation of block ctx.layer, opened in place from the overview (block.js): the heads as a
     * stack and the chosen head's four stages, raw scores -> scaled -> masked -> softmax, which block.js shows
     * collapsed to the weights and steps through on request.
     */
    render: function (host, main, ctx) {
      return layerData(main, ctx.layer).then(function (data) {
        host.appendChild(headStack(main, data, ctx.head, host.clientWidth || 600));
        var box = GPT2X.el('div', { 'class': 'attn-stages op-attn-stages' });
        host.appendChild(box);
        STAGES.forEach(function (stage) {
          var panel = drawPanel(box, main, data, ctx.layer, ctx.head, stage, true);
          panel.setAttribute('data-layer', String(ctx.layer));
          panel.setAttribute('data-head', String(ctx.head));
        });
        lightToken();
        return { setCursor: function () {} };
      });
    },
    init: function (main) {
      var L = main.model.layers, H = main.model.heads;
      var layerSelect = document.getElementById('attn-layer');
      var headBox = document.getElementById('attn-heads');
      var stagesBox = document.getElementById('attn-stages');
      var toggle = document.getElementById('attn-expand');
      var status = document.getElementById('attn-status');
      var qkBox = document.getElementById('attn-qk');
      var headButtons = [];
      for (var h = 0; h < H; h++) {
        var b = GPT2X.el('button', { type: 'button', 'class': 'head', 'data-head': String(h) }, String(h));
        b.setAttribute('aria-label', GPT2X.t('attention.head', { head: h }));
        b.addEventListener('click', function (e) { GPT2X.router.set({ head: e.currentTarget.getAttribute('data-head') }); });
        headBox.appendChild(b);
        headButtons.push(b);
      }
      var showLayer = GPT2X.layerSelect(layerSelect, L, function (l) { GPT2X.router.set({ layer: l }); });
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
        showLayer(layer);
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
          qkBox.textContent = '';
          qkBox.hidden = !expanded;
          showProducts = null;
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
          lightToken();
          if (expanded) {
            GPT2X.depth.layer(main, layer).then(function (layerFile) {
              if (shown !== key) { return; }
              showProducts = productsView(qkBox, main, layerFile, data, head);
              // Start on the selected query (or the last token) and the key it attends to most.
              var q = GPT2X.router.int('token', data.shape[1] - 1, 0, data.shape[1] - 1), best = 0;
              for (var kk = 0; kk < data.shape[2]; kk++) {
                var at = GPT2X.index(data.shape, [head, q, kk]);
                if (data['attn.softmax'][at] > data['attn.softmax'][GPT2X.index(data.shape, [head, q, best])]) { best = kk; }
              }
              showProducts(q, best);
            }).catch(function (err) { GPT2X.fail('attention', err); });
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
