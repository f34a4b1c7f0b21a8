/*
 * Overview Sankey: tokens -> embedding -> the residual stream through every block (each attention and MLP
 * sub-layer writes into it) -> final layer norm -> logits -> the most likely next tokens.
 * Link widths are real magnitudes from main.js `overview`: Euclidean norms of the vectors, summed over
 * the prompt's tokens (a token's own link: its norm). Norms do not add (|a+b| <= |a|+|b|), so a stream
 * node can be taller than what leaves it. The candidate links split the logits node by probability (T = 1,
 * full vocabulary); past the final layer norm the band keeps the incoming stream's width. Clicking a node
 * opens its view.
 */
(function (GPT2X) {
  'use strict';

  var CANDIDATES = 6;

  function sum(arr, from, n) {
    var s = 0;
    for (var i = 0; i < n; i++) { s += arr[from + i]; }
    return s;
  }

  /** Nodes and links the overview data implies; exported for the tests' expectations. */
  function graph(main) {
    var T = main.tokens.length, L = main.model.layers, t = GPT2X.t;
    var o = {
      embed: GPT2X.decode(main.overview.embed), attn: GPT2X.decode(main.overview.attn),
      mlp: GPT2X.decode(main.overview.mlp), residMid: GPT2X.decode(main.overview.residMid),
      residPost: GPT2X.decode(main.overview.residPost), lnf: GPT2X.decode(main.overview.lnf)
    };
    var nodes = [], links = [];
    function node(id, label, kind, extra) {
      var n = { id: id, label: label, kind: kind, order: nodes.length };
      Object.keys(extra || {}).forEach(function (k) { n[k] = extra[k]; });
      nodes.push(n);
      return id;
    }
    function link(source, target, value, perToken) {
      links.push({ source: source, target: target, value: Math.max(value, 1e-6), perToken: perToken });
    }
    node('embed', t('sankey.embedding'), 'embed', { perToken: o.embed });
    for (var i = 0; i < T; i++) {
      node('tok' + i, GPT2X.token(main, main.tokens[i]), 'token', { position: i });
      link('tok' + i, 'embed', o.embed[i], null);
    }
    var previous = 'embed', previousNorms = o.embed;
    for (var l = 0; l < L; l++) {
      var attnNorms = o.attn.subarray(l * T, (l + 1) * T);
      var midNorms = o.residMid.subarray(l * T, (l + 1) * T);
      var mlpNorms = o.mlp.subarray(l * T, (l + 1) * T);
      var postNorms = o.residPost.subarray(l * T, (l + 1) * T);
      node('attn' + l, t('sankey.attention', { layer: l }), 'attn', { block: l, perToken: attnNorms });
      node('mid' + l, t('sankey.stream.mid', { layer: l }), 'stream', { block: l, perToken: midNorms });
      link(previous, 'mid' + l, sum(previousNorms, 0, T), previousNorms);
      link('attn' + l, 'mid' + l, sum(attnNorms, 0, T), attnNorms);
      node('mlp' + l, t('sankey.mlp', { layer: l }), 'mlp', { block: l, perToken: mlpNorms });
      node('post' + l, t('sankey.stream.post', { layer: l }), 'stream', { block: l, perToken: postNorms });
      link('mid' + l, 'post' + l, sum(midNorms, 0, T), midNorms);
      link('mlp' + l, 'post' + l, sum(mlpNorms, 0, T), mlpNorms);
      previous = 'post' + l;
      previousNorms = postNorms;
    }
    node('lnf', t('sankey.lnf'), 'lnf', { perToken: o.lnf });
    link(previous, 'lnf', sum(previousNorms, 0, T), previousNorms);
    node('logits', t('sankey.logits'), 'logits', {});
    // Past the final layer norm the band keeps the width of the stream that entered it (a normalised vector's
    // norm is not comparable with the stream's) and splits by probability; ln_f's own norms are in its detail.
    var lnfTotal = sum(previousNorms, 0, T);
    link('lnf', 'logits', lnfTotal, null);

    var logits = GPT2X.decode(main.next.logits);
    var dist = GPT2X.sampling.distribution(logits, 1, 0, 1);
    var shown = 0;
    for (var c = 0; c < CANDIDATES; c++) {
      var id = main.next.topIds[c];
      var p = dist.probs[id];
      shown += p;
      node('cand' + c, GPT2X.token(main, id), 'candidate', { tokenId: id, probability: p });
      link('logits', 'cand' + c, lnfTotal * p, null);
    }
    node('rest', t('sankey.rest'), 'candidate', { probability: 1 - shown });
    link('logits', 'rest', lnfTotal * Math.max(0, 1 - shown), null);
    return { nodes: nodes, links: links };
  }

  function colour(kind) {
    // Okabe-Ito: blue attention, vermillion MLP, grey stream, green tokens/embedding, purple output.
    var c = GPT2X.palette.category;
    return {
      token: c.green, embed: c.green, attn: c.blue, mlp: c.vermillion, stream: c.grey,
      lnf: c.purple, logits: c.purple, candidate: c.orange
    }[kind] || c.grey;
  }

  function open(n) {
    if (n.kind === 'token') { GPT2X.router.set({ view: 'tokens', token: n.position }); }
    else if (n.kind === 'attn') { GPT2X.router.set({ view: 'attention', layer: n.block }); }
    else if (n.kind === 'logits' || n.kind === 'candidate' || n.kind === 'lnf') { GPT2X.router.set({ view: 'next-token' }); }
    // depth views: a block's MLP or stream node opens that block's pipeline with the operation expanded
    else if (n.kind === 'mlp') { GPT2X.router.set({ view: 'mlp', layer: n.block, node: n.id }); }
    else if (n.kind === 'stream') { GPT2X.router.set({ view: 'residual', layer: n.block, node: n.id }); }
    else if (n.kind === 'embed') { GPT2X.router.set({ view: 'embedding', node: n.id }); }
    else { GPT2X.router.set({ view: 'overview', node: n.id }); }
  }

  function detail(main, box, n) {
    box.textContent = '';
    if (!n || !n.perToken) {
      box.appendChild(GPT2X.el('p', { 'class': 'hint' }, GPT2X.t('sankey.detail.hint')));
      return;
    }
    box.appendChild(GPT2X.el('h3', null, GPT2X.t('sankey.detail.title', { node: n.label })));
    var max = 0;
    for (var i = 0; i < n.perToken.length; i++) { max = Math.max(max, n.perToken[i]); }
    var list = GPT2X.el('ol', { 'class': 'norm-bars' });
    for (var j = 0; j < n.perToken.length; j++) {
      var li = GPT2X.el('li');
      li.appendChild(GPT2X.el('span', { 'class': 'tok' }, GPT2X.token(main, main.tokens[j])));
      var bar = GPT2X.el('span', { 'class': 'bar' });
      bar.style.width = (max > 0 ? 100 * n.perToken[j] / max : 0) + '%';
      li.appendChild(bar);
      li.appendChild(GPT2X.el('span', { 'class': 'val' }, GPT2X.num(n.perToken[j], 4)));
      list.appendChild(li);
    }
    box.appendChild(list);
  }

  /**
   * The candidates split the logits node like a stacked bar: placed edge to edge against it (no padding),
   * their links are straight ribbons instead of thick curves. Labels are spread at least 13 px apart.
   */
  function stackCandidates(sankey, laid) {
    var logits = laid.nodes.filter(function (d) { return d.kind === 'logits'; })[0];
    var y = logits.y0;
    var scale = (logits.y1 - logits.y0) / (logits.value || 1);
    var lastLabel = -Infinity;
    laid.nodes.filter(function (d) { return d.kind === 'candidate'; })
      .sort(function (a, b) { return a.order - b.order; })
      .forEach(function (d) {
        var h = d.value * scale;
        d.y0 = y;
        d.y1 = y + h;
        y += h;
        d.labelY = Math.max((d.y0 + d.y1) / 2, lastLabel + 13);
        lastLabel = d.labelY;
      });
    sankey.update(laid);
  }

  GPT2X.view('sankey-overview', {
    section: 'overview',
    graph: graph,
    init: function (main) {
      var box = document.getElementById('sankey');
      var detailBox = document.getElementById('sankey-detail');
      var g = graph(main);
      var width = Math.max(720, box.clientWidth || 960);
      var height = Math.max(380, 26 * Math.max(main.tokens.length, CANDIDATES + 1) + 80);
      var sankey = d3.sankey().nodeId(function (d) { return d.id; })
        .nodeAlign(d3.sankeyRight).nodeWidth(10).nodePadding(14)
        // Keep tokens in prompt order and the stream above what is written into it.
        .nodeSort(function (a, b) { return a.order - b.order; })
        .extent([[110, 8], [width - 200, height - 28]]);
      var laid = sankey({ nodes: g.nodes.map(function (d) { return Object.assign({}, d); }),
        links: g.links.map(function (d) { return Object.assign({}, d); }) });
      stackCandidates(sankey, laid);
      var svg = d3.select(box).append('svg').attr('viewBox', '0 0 ' + width + ' ' + height)
        .attr('class', 'sankey');
      // The chart's numbers as a table (for screen readers, keyboard users and anyone who wants the values).
      var valueText = function (d) { return d.probability !== undefined ? GPT2X.percent(d.probability) : GPT2X.num(d.value, 4); };
      var table = GPT2X.a11y.dataTable(box.parentNode, {
        id: 'sankey-data', caption: GPT2X.t('a11y.sankey.table'), rowHeaders: true,
        columns: [GPT2X.t('a11y.sankey.node'), GPT2X.t('a11y.sankey.value'), GPT2X.t('a11y.sankey.to')],
        rows: laid.nodes.slice().sort(function (a, b) { return a.order - b.order; }).map(function (d) {
          return [d.label, valueText(d), d.sourceLinks.map(function (l) { return l.target.label; }).join(', ')];
        })
      });
      GPT2X.a11y.chart(svg.node(), GPT2X.t('sankey.aria'), table, true);
      GPT2X.a11y.scrollBox(box, GPT2X.t('sankey.aria'), true);
      svg.append('g').attr('class', 'links').selectAll('path').data(laid.links).join('path')
        .attr('class', function (d) { return 'link link-' + d.source.kind; })
        .attr('data-source', function (d) { return d.source.id; })
        .attr('data-target', function (d) { return d.target.id; })
        .attr('data-value', function (d) { return String(d.value); })
        .attr('d', d3.sankeyLinkHorizontal())
        .attr('stroke', function (d) { return colour(d.source.kind); })
        .attr('stroke-width', function (d) { return Math.max(1, d.width); })
        .each(function (d) {
          GPT2X.hoverTip(this, function () {
            return [d.source.label + ' \u2192 ' + d.target.label, GPT2X.t('sankey.link.value', { value: GPT2X.num(d.value, 4) })];
          });
        });
      var nodeSel = svg.append('g').attr('class', 'nodes').selectAll('g').data(laid.nodes).join('g')
        .attr('class', function (d) { return 'node node-' + d.kind; })
        .attr('data-node', function (d) { return d.id; })
        .each(function (d) {
          GPT2X.a11y.focusable(this, GPT2X.t('a11y.sankey.nodeLabel', { node: d.label, value: valueText(d) }),
            function () { open(d); detail(main, detailBox, d); });
        })
        .each(function (d) {
          GPT2X.hoverTip(this, function () {
            var lines = [d.label];
            if (d.probability !== undefined) { lines.push(GPT2X.t('sankey.node.probability', { p: GPT2X.percent(d.probability) })); }
            else { lines.push(GPT2X.t('sankey.node.value', { value: GPT2X.num(d.value, 4) })); }
            return lines;
          });
        });
      // Linked highlighting (core.js): a token's node and its link into the embedding, a candidate's node and link.
      nodeSel.each(function (d) {
        if (d.kind === 'token') { GPT2X.highlight.source(this, 'token', d.position, { pick: false }); }
        if (d.tokenId !== undefined) { GPT2X.highlight.source(this, 'candidate', d.tokenId, { pick: false }); }
      });
      function light() {
        var tok = GPT2X.highlight.lit('token'), cand = GPT2X.highlight.lit('candidate');
        function on(n) { return (n.kind === 'token' && n.position === tok) || (n.tokenId !== undefined && n.tokenId === cand); }
        nodeSel.classed('lit', on);
        svg.selectAll('.links path').classed('lit', function (l) { return on(l.source) || on(l.target); });
      }
      GPT2X.on('token', light);
      GPT2X.on('candidate', light);
      light();
      nodeSel.append('rect').attr('x', function (d) { return d.x0; }).attr('y', function (d) { return d.y0; })
        .attr('width', function (d) { return d.x1 - d.x0; })
        .attr('height', function (d) { return Math.max(1, d.y1 - d.y0); })
        .attr('fill', function (d) { return colour(d.kind); });
      nodeSel.filter(function (d) { return d.kind === 'candidate'; }).append('path')
        .attr('class', 'leader')
        .attr('d', function (d) { return 'M' + d.x1 + ',' + (d.y0 + d.y1) / 2 + 'L' + (d.x1 + 8) + ',' + d.labelY; });
      nodeSel.filter(function (d) { return d.kind === 'token' || d.kind === 'candidate'; }).append('text')
        .attr('x', function (d) { return d.kind === 'token' ? d.x0 - 6 : d.x1 + 10; })
        .attr('y', function (d) { return d.kind === 'candidate' ? d.labelY : (d.y0 + d.y1) / 2; })
        .attr('dy', '0.35em')
        .attr('text-anchor', function (d) { return d.kind === 'token' ? 'end' : 'start'; })
        .text(function (d) { return d.kind === 'candidate' && d.probability !== undefined ? d.label + '  ' + GPT2X.percent(d.probability) : d.label; });
      // Column captions under the blocks: L0, L1, ... at each block's attention write node.
      svg.append('g').attr('class', 'captions').selectAll('text')
        .data(laid.nodes.filter(function (d) { return d.kind === 'attn' || d.kind === 'lnf' || d.kind === 'logits'; }))
        .join('text').attr('x', function (d) { return (d.x0 + d.x1) / 2; }).attr('y', height - 8)
        .attr('text-anchor', 'middle')
        .text(function (d) {
          if (d.kind === 'attn') { return GPT2X.t('sankey.caption.layer', { layer: d.block }); }
          return { embed: GPT2X.t('sankey.caption.embed'), lnf: GPT2X.t('sankey.caption.lnf'), logits: GPT2X.t('sankey.caption.logits') }[d.kind];
        });
      detail(main, detailBox, null);
      var picked = GPT2X.router.get('node');
      if (picked) { detail(main, detailBox, laid.nodes.filter(function (d) { return d.id === picked; })[0]); }
    }
  });
}(window.GPT2X));
