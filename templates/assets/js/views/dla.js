/*
 * "Who pushed the prediction": direct logit attribution at the last prompt position (data/<id>/insight.js,
 * `dla`). Read through the final layer norm with its scale frozen at the value the pass used, the logit of a
 * candidate is a sum of parts, one per component that writes into the residual stream: the embedding, each
 * block's attention and MLP output, and the final layer norm's bias (docs/insight.md).
 *   - a picker of the 5 candidates (router key `cand`: a token id, as for linked highlighting; none or an id
 *     outside the five = the temperature-0 pick);
 *   - one bar per part, top to bottom in the order the model computes them, on one diverging scale: a bar
 *     to the right of the zero line pushed toward the candidate, to the left against it, its length
 *     |value| / limit of the half width (limit = the largest |part| of the candidate), each bar labelled;
 *   - the sum of the drawn parts beside the stored logit (they are equal, to float rounding);
 *   - a heat map of each head's part [L x H] with its own legend; a cell opens that head's attention view.
 * Every bar carries its stored value in data-value; the tests read them back.
 */
(function (GPT2X) {
  'use strict';

  var SVG = 'http://www.w3.org/2000/svg';
  var ROW = 22, BAR = 15, VALUE_W = 52, MAX_W = 760;

  function svgEl(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  /** A signed number with its sign always written ("+0.123", "−0.045"). */
  function signed(x) {
    return (x > 0 ? '+' : '') + GPT2X.num(x, 3);
  }

  /** The parts of one candidate's logit, in computation order: {key, label, value, layer?, kind}. */
  function parts(c) {
    var out = [{ key: 'embed', kind: 'embed', label: GPT2X.t('dla.part.embed'), value: c.embed }];
    for (var l = 0; l < c.attn.length; l++) {
      out.push({ key: 'attn' + l, kind: 'attn', layer: l, label: GPT2X.t('dla.part.attn', { layer: l }), value: c.attn[l] });
      out.push({ key: 'mlp' + l, kind: 'mlp', layer: l, label: GPT2X.t('dla.part.mlp', { layer: l }), value: c.mlp[l] });
    }
    out.push({ key: 'lnf', kind: 'lnf', label: GPT2X.t('dla.part.lnf'), value: c.lnfBias });
    return out;
  }

  function limitOf(values) {
    return GPT2X.palette.sharedLimit([values]);
  }

  GPT2X.view('dla', {
    section: 'dla',
    init: function (main) {
      var picker = document.getElementById('dla-candidates');
      var total = document.getElementById('dla-total');
      var barsBox = document.getElementById('dla-bars');
      var headsBox = document.getElementById('dla-heads');
      var status = document.getElementById('dla-status');
      status.textContent = GPT2X.t('dla.loading');

      GPT2X.load(GPT2X.data.insight(main.promptId)).then(function (insight) {
        status.textContent = '';
        var candidates = insight.dla.candidates;
        var buttons = candidates.map(function (c, i) {
          var b = GPT2X.el('button', { type: 'button', 'data-candidate': String(i), 'data-id': String(c.id), 'aria-pressed': 'false' });
          b.appendChild(GPT2X.el('span', { 'class': 'tok' }, '\u201c' + GPT2X.token(main, c.id) + '\u201d'));
          b.appendChild(GPT2X.el('span', { 'class': 'cand-logit' }, GPT2X.num(c.logit, 4)));
          b.setAttribute('aria-label', GPT2X.t('dla.candidate', { token: GPT2X.token(main, c.id), logit: GPT2X.num(c.logit, 4) }));
          b.addEventListener('click', function () { GPT2X.router.set({ cand: i === 0 ? undefined : c.id }); });
          picker.appendChild(b);
          return b;
        });
        var shown = -1;
        function show() {
          var id = parseInt(GPT2X.router.get('cand', ''), 10);
          var i = Math.max(0, candidates.findIndex(function (c) { return c.id === id; }));
          if (i === shown) { return; }
          shown = i;
          buttons.forEach(function (b, j) { b.setAttribute('aria-pressed', j === i ? 'true' : 'false'); });
          draw(main, candidates[i], insight.dla.sigma, total, barsBox, headsBox);
        }
        show();
        GPT2X.router.listen(show);
        var width = barsBox.clientWidth;
        if (window.ResizeObserver) {
          new window.ResizeObserver(function () {
            if (Math.abs(barsBox.clientWidth - width) > 8) {
              width = barsBox.clientWidth;
              draw(main, candidates[shown], insight.dla.sigma, total, barsBox, headsBox);
            }
          }).observe(barsBox);
        }
      }).catch(function (err) { status.textContent = ''; GPT2X.fail('dla', err); });
    }
  });

  function draw(main, c, sigma, total, barsBox, headsBox) {
    var token = GPT2X.token(main, c.id);
    var list = parts(c);
    var sum = 0, toward = 0, against = 0;
    list.forEach(function (p) {
      sum += p.value;
      if (p.value > 0) { toward += p.value; } else { against += p.value; }
    });
    total.textContent = '';
    total.setAttribute('data-sum', String(sum));
    total.setAttribute('data-logit', String(c.logit));
    total.appendChild(GPT2X.el('span', { 'class': 'dla-sum' }, GPT2X.t('dla.total', {
      sum: GPT2X.num(sum, 6), token: token, logit: GPT2X.num(c.logit, 6) })));
    total.appendChild(document.createTextNode(' '));
    total.appendChild(GPT2X.el('span', { 'class': 'dla-split' }, GPT2X.t('dla.split', {
      toward: signed(toward), against: signed(against), sigma: GPT2X.num(sigma, 4) })));
    drawBars(list, c, token, barsBox);
    drawHeads(c, token, headsBox);
  }

  function drawBars(list, c, token, box) {
    box.textContent = '';
    var values = list.map(function (p) { return p.value; });
    var limit = limitOf(values);
    var W = Math.max(300, Math.min(MAX_W, box.clientWidth || MAX_W));
    // Wide: the label left of its bar. Narrow (a phone): the label on a line of its own above the bar, so the
    // bars keep a readable length.
    var narrow = W < 560;
    var labelW = narrow ? 0 : Math.round(Math.min(190, Math.max(96, W * 0.3)));
    var rowH = narrow ? ROW + 16 : ROW, barTop = narrow ? 16 : 0;
    var half = Math.floor((W - labelW - 2 * VALUE_W) / 2);
    var zero = labelW + VALUE_W + half;
    var top = 20;
    var H = top + list.length * rowH + 6;
    var svg = svgEl('svg', { 'class': 'dla-chart', width: String(W), height: String(H), viewBox: '0 0 ' + W + ' ' + H });
    svg.appendChild(svgEl('text', { x: String(zero - 6), y: '12', 'text-anchor': 'end', 'class': 'dla-dir' },
      GPT2X.t('dla.against', { token: token })));
    svg.appendChild(svgEl('text', { x: String(zero + 6), y: '12', 'class': 'dla-dir' }, GPT2X.t('dla.toward', { token: token })));
    var bars = [];
    var grid = svgEl('g', { role: 'grid', 'aria-label': GPT2X.t('dla.caption', { token: token }) });
    svg.appendChild(grid);
    list.forEach(function (p, i) {
      var y = top + i * rowH;
      var g = svgEl('g', { 'class': 'dla-row dla-' + p.kind, role: 'row' });
      if (i % 2 === 1) {
        g.appendChild(svgEl('rect', { x: '0', y: String(y), width: String(W), height: String(rowH), 'class': 'dla-band' }));
      }
      g.appendChild(narrow
        ? svgEl('text', { x: '4', y: String(y + 13), 'class': 'dla-label' }, p.label)
        : svgEl('text', { x: String(labelW - 8), y: String(y + ROW / 2 + 4), 'text-anchor': 'end', 'class': 'dla-label' }, p.label));
      var yBar = y + barTop;
      var w = Math.abs(p.value) / limit * half;
      var x = p.value < 0 ? zero - w : zero;
      var fill = GPT2X.palette.signed(p.value, limit);
      var bar = svgEl('rect', { x: String(x), y: String(yBar + (ROW - BAR) / 2), width: String(w), height: String(BAR),
        fill: fill, 'class': 'dla-bar', 'data-part': p.key, 'data-value': String(p.value), role: 'gridcell',
        'aria-label': p.label + ': ' + signed(p.value) });
      g.appendChild(bar);
      // the zero line, drawn beside each bar (never across a label on its own line)
      g.appendChild(svgEl('line', { x1: String(zero), x2: String(zero), y1: String(yBar), y2: String(yBar + ROW), 'class': 'dla-zero' }));
      var vx = p.value < 0 ? x - 4 : x + w + 4;
      g.appendChild(svgEl('text', { x: String(vx), y: String(yBar + ROW / 2 + 4), 'text-anchor': p.value < 0 ? 'end' : 'start',
        'class': 'dla-value num' }, signed(p.value)));
      GPT2X.hoverTip(bar, function () { return tipLines(p, c, token); });
      bars.push(bar);
      grid.appendChild(g);
    });
    box.appendChild(svg);
    GPT2X.a11y.grid(bars, bars.length, 1, function (row) { GPT2X.tipAt(bars[row], tipLines(list[row], c, token)); });
    bars.forEach(function (b) { b.addEventListener('blur', GPT2X.untip); });
    box.appendChild(GPT2X.palette.legend({ kind: 'signed', limit: limit, caption: GPT2X.t('dla.legend') }));
    var rows = list.map(function (p) { return [p.label, p.value]; });
    rows.push([GPT2X.t('dla.table.sum'), values.reduce(function (a, b) { return a + b; }, 0)]);
    rows.push([GPT2X.t('dla.table.logit'), c.logit]);
    var table = GPT2X.a11y.dataTable(box, { id: 'dla-bars-data', caption: GPT2X.t('dla.caption', { token: token }), rowHeaders: true,
      columns: [GPT2X.t('dla.table.part'), GPT2X.t('dla.table.value')], rows: rows });
    GPT2X.a11y.chart(svg, GPT2X.t('dla.caption', { token: token }), table, true);
  }

  function tipLines(p, c, token) {
    var lines = [p.label, GPT2X.t('dla.tip.value', { value: signed(p.value), token: token })];
    if (p.kind === 'attn') {
      var heads = 0;
      c.attnHeads[p.layer].forEach(function (h) { heads += h; });
      lines.push(GPT2X.t('dla.tip.heads', { sum: GPT2X.sum([heads, c.attnBias[p.layer]], 3) }));
    }
    return lines;
  }

  function drawHeads(c, token, box) {
    box.textContent = '';
    var L = c.attnHeads.length, Hn = L ? c.attnHeads[0].length : 0;
    var flat = [];
    c.attnHeads.forEach(function (row) { row.forEach(function (v) { flat.push(v); }); });
    var limit = limitOf(flat);
    var avail = Math.max(300, Math.min(MAX_W, box.clientWidth || MAX_W));
    var labelW = 76;
    var cell = Math.max(16, Math.min(52, Math.floor((avail - labelW) / Hn)));
    var cellH = Math.max(16, Math.min(26, cell));
    var top = 18;
    var W = labelW + Hn * cell, H = top + L * cellH + 2;
    box.appendChild(GPT2X.palette.legend({ kind: 'signed', limit: limit, caption: GPT2X.t('dla.heads.legend', { token: token }) }));
    var svg = svgEl('svg', { 'class': 'dla-heads', width: String(W), height: String(H), viewBox: '0 0 ' + W + ' ' + H });
    svg.appendChild(svgEl('text', { x: String(labelW - 6), y: '12', 'text-anchor': 'end', 'class': 'dla-axis' }, GPT2X.t('dla.heads.axis')));
    for (var h = 0; h < Hn; h++) {
      svg.appendChild(svgEl('text', { x: String(labelW + h * cell + cell / 2), y: '12', 'text-anchor': 'middle', 'class': 'dla-axis' }, String(h)));
    }
    var grid = svgEl('g', { role: 'grid', 'aria-label': GPT2X.t('dla.heads.title') });
    var cells = [];
    for (var l = 0; l < L; l++) {
      var row = svgEl('g', { role: 'row' });
      row.appendChild(svgEl('text', { x: String(labelW - 6), y: String(top + l * cellH + cellH / 2 + 4), 'text-anchor': 'end', 'class': 'dla-axis' },
        GPT2X.t('dla.heads.row', { layer: l })));
      for (var k = 0; k < Hn; k++) {
        row.appendChild(headCell(l, k, c.attnHeads[l][k], limit, labelW + k * cell, top + l * cellH, cell, cellH, token, cells));
      }
      grid.appendChild(row);
    }
    svg.appendChild(grid);
    var scroll = GPT2X.el('div', { 'class': 'dla-heads-box' });
    scroll.appendChild(svg);
    box.appendChild(scroll);
    GPT2X.a11y.grid(cells, L, Hn, function (r, col) {
      GPT2X.tipAt(cells[r * Hn + col], headTip(r, col, c.attnHeads[r][col], token));
    });
    cells.forEach(function (e) { e.addEventListener('blur', GPT2X.untip); });
    var rows = c.attnHeads.map(function (vals, layer) {
      var sum = 0;
      vals.forEach(function (v) { sum += v; });
      return [GPT2X.t('dla.heads.row', { layer: layer })].concat(vals, [c.attnBias[layer], sum + c.attnBias[layer]]);
    });
    var cols = [GPT2X.t('dla.heads.corner')];
    for (var j = 0; j < Hn; j++) { cols.push(GPT2X.t('attention.head', { head: j })); }
    cols.push(GPT2X.t('dla.bias'), GPT2X.t('dla.heads.attn'));
    var table = GPT2X.a11y.dataTable(box, { id: 'dla-heads-data', caption: GPT2X.t('dla.heads.caption', { token: token }),
      rowHeaders: true, columns: cols, rows: rows });
    GPT2X.a11y.chart(svg, GPT2X.t('dla.heads.caption', { token: token }), table, true);
  }

  function headTip(layer, head, v, token) {
    return [GPT2X.t('dla.heads.cell', { layer: layer, head: head }), GPT2X.t('dla.tip.value', { value: signed(v), token: token }),
      GPT2X.t('dla.heads.open', { layer: layer, head: head })];
  }

  function headCell(layer, head, v, limit, x, y, w, h, token, cells) {
    var rgb = GPT2X.palette.signedRgb(v, limit);
    var g = svgEl('g', { 'class': 'dla-head', role: 'gridcell', 'data-layer': String(layer), 'data-head': String(head),
      'data-value': String(v), 'aria-label': GPT2X.t('dla.heads.cell', { layer: layer, head: head }) + ': ' + signed(v) + '. ' +
        GPT2X.t('dla.heads.open', { layer: layer, head: head }) });
    g.appendChild(svgEl('rect', { x: String(x + 0.5), y: String(y + 0.5), width: String(w - 1), height: String(h - 1),
      fill: GPT2X.palette.css(rgb) }));
    if (w >= 44) {
      g.appendChild(svgEl('text', { x: String(x + w / 2), y: String(y + h / 2 + 4), 'text-anchor': 'middle', 'class': 'dla-cell-value',
        fill: GPT2X.palette.textOn(rgb) }, GPT2X.num(v, 2)));
    }
    function open() { GPT2X.router.set({ view: 'attention', layer: layer, head: head }); }
    // On a touch screen the first tap reads the cell out and a second tap opens it; a mouse click opens it.
    g.addEventListener('click', function () {
      if (GPT2X.gesture() === 'tap' && headCell.tapped !== g) {
        headCell.tapped = g;
        GPT2X.tipAt(g, headTip(layer, head, v, token));
        return;
      }
      open();
    });
    g.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(); }
    });
    g.addEventListener('mousemove', function (evt) { GPT2X.tip(evt, headTip(layer, head, v, token)); });
    g.addEventListener('mouseleave', GPT2X.untip);
    cells.push(g);
    return g;
  }
}(window.GPT2X));
