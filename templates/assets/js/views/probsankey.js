/*
 * Probability Sankey: the last position's probability mass flowing to the most likely next tokens at the
 * chosen temperature, top-k and top-p. The state is the next-token view's (router keys t, k, p, same
 * defaults), so both views move together, and the probabilities are the same exact ones over the full
 * vocabulary (GPT2X.sampling over main.next.logits). Nodes: the N tokens with the highest logits (their
 * order is the same at every temperature) and "all other tokens"; link widths are probabilities, on one
 * scale at both ends: the source node (100%) is as tall as the target nodes together, without their gaps.
 */
(function (GPT2X) {
  'use strict';

  var N = 10;
  var W = 820, H = 380, TOP = 10, GAP = 4, X0 = 150, X1 = 520, NODE = 12, LABEL = 15;

  /** The next-token view's settings from the router (nexttoken.js reads them the same way). */
  function settings(V) {
    var section = document.getElementById('next-token');
    var defaultK = (section && section.getAttribute('data-topk')) || '0';
    var defaultP = (section && section.getAttribute('data-topp')) || '1';
    return {
      t: Math.max(0, Math.min(2, parseFloat(GPT2X.router.get('t', '1')) || 0)),
      k: Math.max(0, Math.min(V, parseInt(GPT2X.router.get('k', defaultK), 10) || 0)),
      p: Math.max(0.01, Math.min(1, parseFloat(GPT2X.router.get('p', defaultP)) || 1))
    };
  }

  /** A ribbon of width (a1 - a0) on the left narrowing/widening to (b1 - b0) on the right. */
  function ribbon(a0, a1, b0, b1) {
    var xm = (X0 + NODE + X1) / 2;
    return 'M' + (X0 + NODE) + ',' + a0 + 'C' + xm + ',' + a0 + ' ' + xm + ',' + b0 + ' ' + X1 + ',' + b0 +
      'L' + X1 + ',' + b1 + 'C' + xm + ',' + b1 + ' ' + xm + ',' + a1 + ' ' + (X0 + NODE) + ',' + a1 + 'Z';
  }

  GPT2X.view('probsankey', {
    section: 'probsankey',
    init: function (main) {
      var logits = GPT2X.decode(main.next.logits);
      var V = logits.length;
      var ids = main.next.topIds.slice(0, N);
      var box = document.getElementById('ps-chart');
      GPT2X.a11y.scrollBox(box, GPT2X.t('section.probsankey'), true);
      var tInput = document.getElementById('ps-temperature');
      var tOut = document.getElementById('ps-temperature-value');
      var filters = document.getElementById('ps-filters');
      var tbody = document.getElementById('ps-rows');
      var last = GPT2X.token(main, main.tokens[main.tokens.length - 1]);
      var svg = d3.select(box).append('svg').attr('viewBox', '0 0 ' + W + ' ' + H).attr('class', 'sankey prob-sankey')
        .attr('role', 'img').attr('aria-details', 'ps-table');
      var items = ids.map(function (id) { return { id: String(id), label: GPT2X.token(main, id) }; });
      items.push({ id: 'rest', label: GPT2X.t('probsankey.rest', { n: (V - N).toLocaleString('en-US') }) });
      var AVAIL = H - 2 * TOP - GAP * items.length;   // px for 100%, at both ends of the ribbons
      var SOURCE_Y = TOP + GAP * items.length / 2;
      svg.append('rect').attr('class', 'ps-source').attr('x', X0).attr('y', SOURCE_Y).attr('width', NODE).attr('height', AVAIL);
      svg.append('text').attr('class', 'ps-source-label').attr('x', X0 - 8).attr('y', H / 2).attr('dy', '0.35em')
        .attr('text-anchor', 'end').text(GPT2X.t('probsankey.source', { token: last }));
      var links = svg.append('g').attr('class', 'links');
      var targets = svg.append('g').attr('class', 'nodes');

      function layout(dist) {
        var rest = 1, y = TOP, a = SOURCE_Y;
        items.forEach(function (it) {
          if (it.id !== 'rest') { it.p = dist.probs[Number(it.id)]; rest -= it.p; }
        });
        items[items.length - 1].p = Math.max(0, rest);
        items.forEach(function (it) {
          var h = it.p * AVAIL;
          it.a0 = a; it.a1 = a + h; a = it.a1;
          it.b0 = y; it.b1 = y + h; y = it.b1 + GAP;
          it.kept = it.id === 'rest' ? dist.keptCount > N : dist.kept[Number(it.id)] === 1;
        });
        // Labels at least LABEL px apart (forward pass), then pulled back inside the chart (backward pass).
        var prev = -Infinity;
        items.forEach(function (it) { it.labelY = Math.max((it.b0 + it.b1) / 2, prev + LABEL); prev = it.labelY; });
        var limit = H - 6;
        for (var i = items.length - 1; i >= 0; i--) {
          items[i].labelY = Math.min(items[i].labelY, limit);
          limit = items[i].labelY - LABEL;
        }
      }

      function show() {
        var s = settings(V);
        var dist = GPT2X.sampling.distribution(logits, s.t, s.k, s.p);
        layout(dist);
        tInput.value = String(s.t);
        tOut.textContent = s.t === 0 ? GPT2X.t('nexttoken.greedy') : s.t.toFixed(2);
        filters.textContent = GPT2X.t('probsankey.filters', { k: s.k === 0 ? GPT2X.t('probsankey.off') : s.k,
          p: s.p >= 1 ? GPT2X.t('probsankey.off') : s.p.toFixed(2) });
        svg.attr('aria-label', GPT2X.t('probsankey.aria', { token: last, t: s.t.toFixed(2) }));
        var reduce = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
        var ms = reduce ? 0 : 120;
        links.selectAll('path').data(items, function (d) { return d.id; }).join('path')
          .attr('class', function (d) { return 'ps-link' + (d.id === 'rest' ? ' rest' : '') + (d.kept ? '' : ' removed'); })
          .attr('data-id', function (d) { return d.id; })
          .attr('data-prob', function (d) { return String(d.p); })
          .each(function (d) {
            if (!this.hasTip) { this.hasTip = true; GPT2X.hoverTip(this, function () { return [this.tipLines[0], this.tipLines[1]]; }.bind(this)); }
            this.tipLines = [d.label, GPT2X.percent(d.p)];
          })
          .transition().duration(ms)
          .attr('d', function (d) { return ribbon(d.a0, d.a1, d.b0, d.b1); });
        var g = targets.selectAll('g').data(items, function (d) { return d.id; }).join(function (enter) {
          var e = enter.append('g').attr('class', 'ps-node');
          e.append('rect').attr('x', X1).attr('width', NODE);
          e.append('path').attr('class', 'leader');
          e.append('text').attr('class', 'ps-label').attr('x', X1 + NODE + 14).attr('dy', '0.35em');
          return e;
        });
        g.attr('data-id', function (d) { return d.id; }).classed('removed', function (d) { return !d.kept; })
          .each(function (d) {
            if (!this.isSource && d.id !== 'rest') { this.isSource = true; GPT2X.highlight.source(this, 'candidate', Number(d.id)); }
          });
        g.select('rect').transition().duration(ms)
          .attr('y', function (d) { return d.b0; }).attr('height', function (d) { return Math.max(1, d.b1 - d.b0); });
        g.select('path.leader').transition().duration(ms).attr('d', function (d) {
          return 'M' + (X1 + NODE) + ',' + (d.b0 + d.b1) / 2 + 'L' + (X1 + NODE + 10) + ',' + d.labelY;
        });
        g.select('text').text(function (d) { return d.label + '  ' + GPT2X.percent(d.p); })
          .transition().duration(ms).attr('y', function (d) { return d.labelY; });
        tbody.textContent = '';
        items.forEach(function (d) {
          var tr = GPT2X.el('tr', { 'data-id': d.id, 'class': d.kept ? 'kept' : 'removed' });
          tr.appendChild(GPT2X.el('td', { 'class': 'tok' }, d.label));
          tr.appendChild(GPT2X.el('td', { 'class': 'id' }, d.id === 'rest' ? '\u2013' : d.id));
          tr.appendChild(GPT2X.el('td', { 'class': 'num prob' }, GPT2X.percent(d.p)));
          tbody.appendChild(tr);
        });
        light();
      }

      /** Linked highlighting (core.js): the lit candidate's band, node and table row. */
      function light() {
        var cand = GPT2X.highlight.lit('candidate');
        var on = function (d) { return d.id !== 'rest' && Number(d.id) === cand; };
        links.selectAll('path').classed('lit', on);
        targets.selectAll('g').classed('lit', on);
        tbody.querySelectorAll('tr[data-id]').forEach(function (tr) {
          tr.classList.toggle('lit', tr.getAttribute('data-id') !== 'rest' && Number(tr.getAttribute('data-id')) === cand);
        });
      }
      GPT2X.on('candidate', light);

      tInput.addEventListener('input', function () { GPT2X.router.set({ t: tInput.value }); });
      GPT2X.router.listen(show);
      show();
    }
  });
}(window.GPT2X));
