/*
 * Attention flow: which input tokens feed a position's prediction, through every layer.
 * From main.js `flow.mean` (per layer, the attention weights averaged over heads, [L,T,T]). Each block adds
 * its attention output to the residual stream, so, as in attention rollout (Abnar & Zuidema 2020), layer l
 * moves information with Â_l = r·A_l + (1 − r)·I, r = 1 − flow.residual = 0.5. Columns are the layers
 * (input, then after each block); position i after block l draws Â_l[i][j] of itself from position j.
 * Following the chosen position back from the top: g_L = e_target, g_l = g_{l+1}·Â_l; the link j -> i in
 * layer l carries g_{l+1}[i]·Â_l[i][j]. Every column then carries the whole flow (1), and the input
 * column is the rollout row of the target (main.js `flow.rollout`). "All positions" starts from g_L = 1.
 * Every link is laid out, so each node's height is its flow, the sum of what enters it and of what leaves
 * it, on one scale; links carrying less than 1% of a column's flow (MINOR) are drawn at their true width
 * (often under a pixel) and faint, the others at least 1 px wide. The table lists every value.
 */
(function (GPT2X) {
  'use strict';

  var MINOR = 0.01;

  /**
   * A link as a filled band of constant width (a stroked curve this thick would bulge past its ends when it
   * climbs steeply between columns).
   */
  function band(d) {
    var sx = d.source.x1, tx = d.target.x0, xm = (sx + tx) / 2, h = (d.minor ? d.width : Math.max(1, d.width)) / 2;
    return 'M' + sx + ',' + (d.y0 - h) + 'C' + xm + ',' + (d.y0 - h) + ' ' + xm + ',' + (d.y1 - h) + ' ' + tx + ',' + (d.y1 - h) +
      'L' + tx + ',' + (d.y1 + h) + 'C' + xm + ',' + (d.y1 + h) + ' ' + xm + ',' + (d.y0 + h) + ' ' + sx + ',' + (d.y0 + h) + 'Z';
  }

  /** Column values g[0..L] (each Float64Array[T]) and per-layer link values for a target (a position, or -1: all). */
  function compute(main, target) {
    var L = main.model.layers, T = main.tokens.length;
    var mean = GPT2X.decode(main.flow.mean);
    var keep = main.flow.residual;
    var g = new Array(L + 1);
    g[L] = new Float64Array(T);
    for (var i = 0; i < T; i++) { g[L][i] = target < 0 || i === target ? 1 : 0; }
    var links = [];
    for (var l = L - 1; l >= 0; l--) {
      g[l] = new Float64Array(T);
      for (var q = 0; q < T; q++) {
        if (g[l + 1][q] === 0) { continue; }
        for (var k = 0; k <= q; k++) {
          var a = (1 - keep) * mean[(l * T + q) * T + k] + (q === k ? keep : 0);
          var v = g[l + 1][q] * a;
          if (v > 0) {
            g[l][k] += v;
            links.push({ layer: l, from: k, to: q, value: v });
          }
        }
      }
    }
    return { g: g, links: links, total: target < 0 ? T : 1 };
  }

  /** The Sankey graph: every link, the minor ones marked; exported for the tests. */
  function graph(main, target) {
    var c = compute(main, target);
    var links = c.links;
    var used = {};
    var L = main.model.layers;
    if (target >= 0) { used[L + ':' + target] = true; }
    links.forEach(function (d) { used[d.layer + ':' + d.from] = true; used[(d.layer + 1) + ':' + d.to] = true; });
    var nodes = [];
    for (var col = 0; col <= L; col++) {
      for (var p = 0; p < main.tokens.length; p++) {
        if (used[col + ':' + p]) {
          nodes.push({ id: col + ':' + p, column: col, position: p, flow: c.g[col][p] });
        }
      }
    }
    return {
      nodes: nodes, g: c.g, total: c.total,
      links: links.map(function (d) {
        return { source: d.layer + ':' + d.from, target: (d.layer + 1) + ':' + d.to, value: d.value, layer: d.layer,
          minor: d.value < MINOR * c.total };
      })
    };
  }

  function columnName(col) {
    return col === 0 ? GPT2X.t('flow.column.input') : GPT2X.t('flow.column.after', { layer: col - 1 });
  }

  /** Intermediate nodes at least this tall (px) carry their position number beside them. */
  var LABEL_MIN_HEIGHT = 9;

  GPT2X.view('flow', {
    section: 'flow',
    graph: graph,
    MINOR: MINOR,
    init: function (main) {
      var L = main.model.layers, T = main.tokens.length;
      var box = document.getElementById('flow-chart');
      // Wide at 12 layers: scrolls inside itself on narrow screens, reachable by keyboard.
      GPT2X.a11y.scrollBox(box, GPT2X.t('section.flow'), true);
      var select = document.getElementById('flow-target');
      var table = document.getElementById('flow-table');
      var summary = document.getElementById('flow-summary');
      box.parentNode.insertBefore(GPT2X.palette.legend({ kind: 'weight', lo: 0, hi: Math.max(1, T - 1),
        caption: GPT2X.t('flow.legend.position'), format: function (x) { return String(Math.round(x)); } }), box);
      for (var p = T - 1; p >= 0; p--) {
        select.appendChild(GPT2X.el('option', { value: String(p) },
          GPT2X.t('flow.target.position', { position: p, token: GPT2X.token(main, main.tokens[p]) })));
      }
      select.appendChild(GPT2X.el('option', { value: 'all' }, GPT2X.t('flow.target.all')));
      select.addEventListener('change', function () { GPT2X.router.set({ view: 'flow', token: select.value }); });

      var drawn = null;
      var lightFlow = function () {}; // set by draw()
      GPT2X.on('token', function () { lightFlow(); });
      function target() {
        return GPT2X.router.get('token') === 'all' ? -1 : GPT2X.router.int('token', T - 1, 0, T - 1);
      }

      function draw(tg) {
        var g = graph(main, tg);
        box.textContent = '';
        var width = Math.max(760, box.clientWidth || 960);
        var height = Math.max(300, 24 * T + 80);
        var left = 110, right = 130, top = 28;
        var sankey = d3.sankey().nodeId(function (d) { return d.id; })
          .nodeAlign(function (d) { return d.column; })
          .nodeWidth(8).nodePadding(6)
          .nodeSort(function (a, b) { return a.position - b.position; })
          .extent([[left, top], [width - right, height - 26]]);
        var laid = sankey({ nodes: g.nodes.map(function (d) { return Object.assign({}, d); }),
          links: g.links.map(function (d) { return Object.assign({}, d); }) });
        // d3-sankey places columns by link depth; pin each node to its layer's column.
        var step = (width - left - right - 8) / L;
        laid.nodes.forEach(function (d) { d.x0 = left + d.column * step; d.x1 = d.x0 + 8; });
        sankey.update(laid);
        var svg = d3.select(box).append('svg').attr('viewBox', '0 0 ' + width + ' ' + height)
          .attr('class', 'sankey flow-sankey').attr('role', 'group').attr('aria-details', 'flow-table')
          .attr('tabindex', '0')
          .attr('aria-label', GPT2X.t('flow.aria', { target: tg < 0 ? GPT2X.t('flow.target.all') :
            GPT2X.token(main, main.tokens[tg]) }) + '. ' + GPT2X.t('flow.keys'));
        // colour = the input position a band comes from, on the palette's sequential map (legend above the chart)
        var tokColour = function (position) { return GPT2X.palette.weight(T > 1 ? position / (T - 1) : 0); };
        svg.append('g').attr('class', 'links').selectAll('path').data(laid.links).join('path')
          .attr('class', function (d) { return 'link flow-link' + (d.minor ? ' minor' : ''); })
          .attr('data-source', function (d) { return d.source.id; })
          .attr('data-target', function (d) { return d.target.id; })
          .attr('data-value', function (d) { return String(d.value); })
          .attr('d', band)
          .style('fill', function (d) { return tokColour(d.source.position); })
          .on('mousemove', function (evt, d) {
            GPT2X.tip(evt, [GPT2X.token(main, main.tokens[d.source.position]) + ' \u2192 ' + GPT2X.token(main, main.tokens[d.target.position]),
              GPT2X.t('flow.link', { layer: d.layer, share: GPT2X.percent(d.value / g.total) })]);
          })
          .on('mouseleave', GPT2X.untip);
        var links = svg.selectAll('path.flow-link');
        var nodes = svg.append('g').attr('class', 'nodes').selectAll('g').data(laid.nodes).join('g')
          .attr('class', function (d) { return 'node flow-node' + (d.column === L ? ' top' : ''); })
          .attr('data-node', function (d) { return d.id; })
          .attr('data-flow', function (d) { return String(d.flow); })
          .on('mousemove', function (evt, d) { GPT2X.tip(evt, nodeLines(d)); mark(d); })
          .on('mouseleave', function () { GPT2X.untip(); mark(cursor); });
        // Not tab stops (up to (L+1)·T of them) and parts of an image: the data table gives every value to the
        // keyboard and screen readers; the <title> names the node for pointer users.
        nodes.append('title').text(function (d) {
          return GPT2X.t('flow.node', { column: columnName(d.column), position: d.position,
            token: GPT2X.token(main, main.tokens[d.position]), share: GPT2X.percent(d.flow / g.total) });
        });
        nodes.append('rect').attr('x', function (d) { return d.x0; }).attr('y', function (d) { return d.y0; })
          .attr('width', function (d) { return d.x1 - d.x0; })
          .attr('height', function (d) { return Math.max(1, d.y1 - d.y0); })
          .attr('fill', function (d) { return tokColour(d.position); });
        // Between the ends: the position number (the legend's colour scale) beside every node tall enough.
        nodes.filter(function (d) { return d.column > 0 && d.column < L && d.y1 - d.y0 >= LABEL_MIN_HEIGHT; }).append('text')
          .attr('class', 'flow-pos').attr('aria-hidden', 'true')
          .attr('x', function (d) { return d.x1 + 2; })
          .attr('y', function (d) { return (d.y0 + d.y1) / 2; }).attr('dy', '0.35em')
          .text(function (d) { return String(d.position); });
        nodes.filter(function (d) { return d.column === 0 || d.column === L; }).append('text')
          .attr('x', function (d) { return d.column === 0 ? d.x0 - 6 : d.x1 + 6; })
          .attr('y', function (d) { return (d.y0 + d.y1) / 2; }).attr('dy', '0.35em')
          .attr('text-anchor', function (d) { return d.column === 0 ? 'end' : 'start'; })
          .text(function (d) {
            var label = GPT2X.token(main, main.tokens[d.position]);
            return d.column === 0 ? label + ' ' + GPT2X.percent(d.flow / g.total) : label;
          });
        svg.append('g').attr('class', 'captions').selectAll('text').data(d3.range(L + 1)).join('text')
          .attr('x', function (c) { return left + c * step + 4; }).attr('y', height - 8).attr('text-anchor', 'middle')
          .text(function (c) { return c === 0 ? GPT2X.t('flow.caption.input') : String(c - 1); });
        // Header: what the columns are (the numbers under them are block numbers).
        var header = svg.append('g').attr('class', 'captions flow-header');
        header.append('text').attr('x', left + 4).attr('y', 12).attr('text-anchor', 'middle').text(GPT2X.t('flow.column.input'));
        if (L > 0) {
          header.append('text').attr('x', left + (1 + L) / 2 * step + 4).attr('y', 12).attr('text-anchor', 'middle')
            .text(GPT2X.t('flow.header.blocks', { last: L - 1 }));
          header.append('path').attr('class', 'leader')
            .attr('d', 'M' + (left + step + 4) + ',' + (top - 8) + 'H' + (left + L * step + 4));
        }
        // The hovered or focused node's token, written beside it.
        var hoverLabel = svg.append('text').attr('class', 'flow-hover-label').attr('aria-hidden', 'true').attr('dy', '0.35em');
        // Linked highlighting (core.js): every node of the lit token's position and the bands into and out of them.
        nodes.each(function (d) { GPT2X.highlight.source(this, 'token', d.position, { pick: false }); });
        lightFlow = function () {
          var pos = GPT2X.highlight.lit('token');
          nodes.classed('lit', function (n) { return n.position === pos; });
          links.classed('lit', function (l) { return l.source.position === pos || l.target.position === pos; });
        };
        lightFlow();

        function nodeLines(d) {
          return [GPT2X.t('flow.node.position', { position: d.position, token: GPT2X.token(main, main.tokens[d.position]) }),
            columnName(d.column), GPT2X.t('flow.share', { share: GPT2X.percent(d.flow / g.total) })];
        }

        /** Highlights node d (null: none), every node and band of its position, and writes its token beside it. */
        function mark(d) {
          var pos = d ? d.position : -1;
          nodes.classed('hot', function (n) { return n.position === pos; })
            .classed('cursor', function (n) { return d !== null && n === d; });
          links.classed('hot', function (l) { return l.source.position === pos || l.target.position === pos; });
          svg.classed('marking', d !== null);
          if (!d || d.column === 0 || d.column === L) { hoverLabel.text(''); return; }
          hoverLabel.attr('x', d.x1 + 14).attr('y', (d.y0 + d.y1) / 2)
            .text(GPT2X.token(main, main.tokens[d.position]) + ' \u00b7 ' + columnName(d.column));
        }

        // Keyboard: one tab stop; arrow keys move a cursor over the nodes (left/right: columns, up/down:
        // positions), the tooltip (a live status) reads the node out, Escape leaves.
        var byColumn = [];
        laid.nodes.forEach(function (d) { (byColumn[d.column] = byColumn[d.column] || []).push(d); });
        byColumn.forEach(function (col) { col.sort(function (a, b) { return a.position - b.position; }); });
        var cursor = null;
        function moveTo(d) {
          cursor = d;
          mark(d);
          var el = nodes.filter(function (n) { return n === d; }).node();
          if (el) { GPT2X.tipAt(el, nodeLines(d)); }
        }
        function nearest(column, position) {
          var col = byColumn[column];
          if (!col || !col.length) { return null; }
          return col.reduce(function (best, n) {
            return Math.abs(n.position - position) < Math.abs(best.position - position) ? n : best;
          }, col[0]);
        }
        var svgNode = svg.node();
        svgNode.addEventListener('focus', function () { moveTo(cursor || nearest(L, tg < 0 ? T - 1 : tg)); });
        svgNode.addEventListener('blur', function () { GPT2X.untip(); mark(null); });
        svgNode.addEventListener('keydown', function (evt) {
          var c = cursor || nearest(L, T - 1);
          if (!c) { return; }
          var col = byColumn[c.column], i = col.indexOf(c), next = null;
          if (evt.key === 'ArrowLeft') { for (var a = c.column - 1; a >= 0 && !next; a--) { next = nearest(a, c.position); } }
          else if (evt.key === 'ArrowRight') { for (var b = c.column + 1; b <= L && !next; b++) { next = nearest(b, c.position); } }
          else if (evt.key === 'ArrowUp') { next = col[Math.max(0, i - 1)]; }
          else if (evt.key === 'ArrowDown') { next = col[Math.min(col.length - 1, i + 1)]; }
          else if (evt.key === 'Home') { next = nearest(0, c.position); }
          else if (evt.key === 'End') { next = nearest(L, c.position); }
          else if (evt.key === 'Escape') { cursor = null; GPT2X.untip(); mark(null); return; }
          else { return; }
          evt.preventDefault();
          if (next) { moveTo(next); }
        });
        summary.textContent = GPT2X.t('flow.summary', { shown: g.links.length, prune: (MINOR * 100) + '%' });
        fillTable(g, tg);
      }

      /** The data table: every column's flow share per position (unpruned). */
      function fillTable(g, tg) {
        table.textContent = '';
        table.appendChild(GPT2X.el('caption', null, GPT2X.t('flow.table.caption', { target: tg < 0 ? GPT2X.t('flow.target.all') :
          GPT2X.token(main, main.tokens[tg]) })));
        var thead = GPT2X.el('thead'), hr = GPT2X.el('tr');
        hr.appendChild(GPT2X.el('th', { scope: 'col' }, GPT2X.t('table.token')));
        for (var c = 0; c <= L; c++) { hr.appendChild(GPT2X.el('th', { scope: 'col' }, c === 0 ? GPT2X.t('flow.caption.input') : String(c - 1))); }
        thead.appendChild(hr);
        table.appendChild(thead);
        var tbody = GPT2X.el('tbody');
        for (var p = 0; p < T; p++) {
          var tr = GPT2X.el('tr');
          tr.appendChild(GPT2X.el('th', { scope: 'row', 'class': 'tok' }, GPT2X.token(main, main.tokens[p])));
          for (var col = 0; col <= L; col++) {
            tr.appendChild(GPT2X.el('td', { 'class': 'num', 'data-column': String(col), 'data-position': String(p),
              'data-flow': String(g.g[col][p] / g.total) }, GPT2X.percent(g.g[col][p] / g.total)));
          }
          tbody.appendChild(tr);
        }
        table.appendChild(tbody);
      }

      function show() {
        var tg = target();
        select.value = tg < 0 ? 'all' : String(tg);
        if (tg !== drawn) {
          drawn = tg;
          draw(tg);
        }
      }
      GPT2X.router.listen(show);
      show();
    }
  });
}(window.GPT2X));
