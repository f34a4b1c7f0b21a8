/*
 * Overview Sankey: direct logit attribution (DLA) of the predicted token, drawn as a flow that adds up.
 *
 * The residual stream at the last position is the sum of what every part of the model wrote into it: the
 * token + position embedding, each block's attention and MLP output; read through the final layer norm with
 * its scale frozen at the actual value, each write adds a fixed amount to the candidate's logit, and those
 * amounts plus the final layer norm's bias part add up to the logit exactly (data part `insight`, dla).
 *
 * The diagram keeps positive and negative parts apart: writes that raise the logit feed the band "pushes
 * for" (top), writes that lower it feed "pushes against" (bottom). Each band is a chain of running totals, so
 * every inner node's value is what flows in and what flows out; the logit is the top total minus the bottom
 * one. Widths are in logit units, one scale for the whole chart. A dashed line shows what a layer reads (the
 * stream so far; reading moves nothing, so it has no width).
 *
 * Node ids: embed, attn<l>, mlp<l>, lnfBias (the parts), for-<k> / against-<k> (running totals after part k),
 * for-total / against-total. GPT2X.sankeyOverview.highlight(id) marks a node's path (null clears). The picker's
 * buttons take part in linked highlighting: the lit candidate's button is lit, hovering one lights its candidate.
 */
(function (GPT2X) {
  'use strict';

  var NODE_W = 10, MIN_COLUMN = 62, LEFT = 34, RIGHT = 230, LABEL_ROOM = 34, GAP_WRITER = 22, GAP_MID = 44;
  var BODY = 320, CAPTION_ROOM = 24;
  var SIDES = ['for', 'against'];

  /** The parts that add up to a candidate's logit, in the order the model writes them. */
  function parts(cand) {
    var list = [{ id: 'embed', kind: 'embed', value: cand.embed }];
    for (var l = 0; l < cand.attn.length; l++) {
      list.push({ id: 'attn' + l, kind: 'attn', block: l, value: cand.attn[l], heads: cand.attnHeads[l], bias: cand.attnBias[l] });
      list.push({ id: 'mlp' + l, kind: 'mlp', block: l, value: cand.mlp[l] });
    }
    list.push({ id: 'lnfBias', kind: 'lnf', value: cand.lnfBias });
    list.forEach(function (p, k) { p.step = k; });
    return list;
  }

  /**
   * Nodes and links for candidate `cand`: each part is a source whose one link (|value| wide) enters the
   * running total of its side; each running total passes everything on to the next one of its side, the last
   * to the side's total. Parts that are exactly 0 write nothing.
   */
  function graph(cand) {
    var ps = parts(cand);
    var nodes = [], links = [];
    var sides = { 'for': { last: null, total: 0 }, against: { last: null, total: 0 } };
    ps.forEach(function (p) {
      var side = p.value < 0 ? 'against' : 'for';
      nodes.push({ id: p.id, kind: p.kind, step: p.step, side: side, part: p });
      var s = sides[side], id = side + '-' + p.step, before = s.total;
      p.before = before;
      p.after = p.value === 0 ? before : before + Math.abs(p.value);
      if (p.value === 0) { return; }
      s.total = p.after;
      nodes.push({ id: id, kind: 'stream', step: p.step, side: side, part: p, total: s.total });
      links.push({ source: p.id, target: id, value: Math.abs(p.value) });
      if (s.last) { links.push({ source: s.last, target: id, value: before }); }
      s.last = id;
    });
    SIDES.forEach(function (side) {
      var s = sides[side];
      nodes.push({ id: side + '-total', kind: 'total', step: ps.length, side: side, total: s.total });
      if (s.last) { links.push({ source: s.last, target: side + '-total', value: s.total }); }
    });
    return { nodes: nodes, links: links, parts: ps, pushFor: sides['for'].total, pushAgainst: sides.against.total };
  }

  /** A signed part as the page prints it: "+0.1234", "−0.1234". */
  function signed(v) { return (v > 0 ? '+' : '') + GPT2X.num(v, 4); }

  function partName(p) {
    if (p.kind === 'attn') { return GPT2X.t('sankey.attention', { layer: p.block }); }
    if (p.kind === 'mlp') { return GPT2X.t('sankey.mlp', { layer: p.block }); }
    return GPT2X.t(p.kind === 'embed' ? 'sankey.embedding' : 'sankey.lnfBias');
  }

  function shortName(p) {
    return GPT2X.t({ embed: 'sankey.short.embed', attn: 'sankey.short.attn', mlp: 'sankey.short.mlp', lnf: 'sankey.short.lnf' }[p.kind]);
  }

  /** What a part reads, in words. */
  function reads(main, p) {
    if (p.kind === 'embed') {
      var last = main.tokens.length - 1;
      return GPT2X.t('sankey.reads.embed', { token: GPT2X.token(main, main.tokens[last]), position: last });
    }
    if (p.kind === 'attn') { return GPT2X.t('sankey.reads.attn', { layer: p.block }); }
    if (p.kind === 'mlp') { return GPT2X.t('sankey.reads.mlp', { layer: p.block }); }
    return GPT2X.t('sankey.reads.lnf');
  }

  function nodeLabel(n, token) {
    if (n.kind === 'total') { return GPT2X.t('sankey.total.' + n.side, { token: token }); }
    if (n.kind === 'stream') { return GPT2X.t('sankey.running.' + n.side, { token: token, part: partName(n.part) }); }
    return partName(n.part);
  }

  /** The value a node's readout and label state: a part's signed value, a running total's sum. */
  function nodeValue(n) {
    return n.kind === 'stream' || n.kind === 'total' ? GPT2X.num(n.total, 4) : signed(n.part.value);
  }

  function colour(n) {
    var role = GPT2X.palette.role;
    // the running totals are the residual stream's bands: what pushes the logit up, what pushes it down
    if (n.kind === 'stream' || n.kind === 'total') { return role[n.side]; }
    return role[n.kind];
  }

  /**
   * Opens a part: a block's attention or MLP opens in place, right under the chart (block.js zooms into that
   * block with that operation open); the embedding and the final norm open their own sections.
   */
  function open(n) {
    if (n.kind === 'attn' || n.kind === 'mlp') {
      // no view: the page stays where it is (a view would scroll to its section)
      GPT2X.router.set({ view: undefined, level: 'op', op: n.kind === 'attn' ? 'attention' : 'mlp', layer: n.part.block });
    }
    else if (n.kind === 'embed') { GPT2X.router.set({ view: 'embedding', node: n.id }); }
    else { GPT2X.router.set({ view: 'next-token' }); }
  }

  /**
   * Positions: part k in column k, its running total just right of it; "for" totals grow upward from above
   * the middle, "against" totals downward from below it. A part sits just outside its band, over (or under)
   * the point where it enters, so the bands' edges form a staircase of the parts. One scale (px per logit
   * unit) for every node and link.
   */
  function place(g, width) {
    var K = g.parts.length;
    var column = (width - LEFT - RIGHT) / K;
    var reach = { 'for': 0, against: 0 };   // the furthest a part's far edge gets from the middle, in logit units
    g.parts.forEach(function (p) {
      var side = p.value < 0 ? 'against' : 'for';
      reach[side] = Math.max(reach[side], p.after + Math.abs(p.value));
    });
    var ky = BODY / ((reach['for'] + reach.against) || 1);
    var forBase = LABEL_ROOM + GAP_WRITER + reach['for'] * ky;                         // bottom of the top band
    var againstBase = forBase + GAP_MID;                                              // top of the bottom band
    var height = againstBase + reach.against * ky + GAP_WRITER + LABEL_ROOM + CAPTION_ROOM;
    g.nodes.forEach(function (n) {
      var x = LEFT + n.step * column;
      var value = n.kind === 'stream' || n.kind === 'total' ? n.total : Math.abs(n.part.value);
      var h = value * ky;
      if (n.kind === 'stream') { x += column * 0.62; }
      if (n.kind === 'total') { x = width - RIGHT + 8; }
      n.x0 = x;
      n.x1 = x + NODE_W;
      if (n.kind === 'stream' || n.kind === 'total') {
        n.y0 = n.side === 'for' ? forBase - h : againstBase;
      } else {
        n.y0 = n.side === 'for' ? forBase - n.part.after * ky - GAP_WRITER - h : againstBase + n.part.after * ky + GAP_WRITER;
      }
      n.y1 = n.y0 + h;
    });
    return { ky: ky, column: column, height: height, forBase: forBase, againstBase: againstBase };
  }

  /**
   * A link as a filled ribbon (no stroke, so a wide link on a short run never folds over itself): from the
   * source's right edge at [y0 - w/2, y0 + w/2] to the target's left edge at [y1 - w/2, y1 + w/2].
   * Path: M x0,top0 C m,top0 m,top1 x1,top1 L x1,bottom1 C m,bottom1 m,bottom0 x0,bottom0 Z.
   */
  function ribbon(d) {
    var x0 = d.source.x1, x1 = d.target.x0, m = (x0 + x1) / 2, w = d.width / 2;
    var a = d.y0 - w, b = d.y1 - w, c = d.y1 + w, e = d.y0 + w;
    return 'M' + x0 + ',' + a + 'C' + m + ',' + a + ' ' + m + ',' + b + ' ' + x1 + ',' + b + 'L' + x1 + ',' + c
      + 'C' + m + ',' + c + ' ' + m + ',' + e + ' ' + x0 + ',' + e + 'Z';
  }

  /** Every node and link upstream and downstream of a node (its path through the chart). */
  function pathOf(node) {
    var nodes = new Set([node]), links = new Set();
    function up(n) { n.targetLinks.forEach(function (l) { links.add(l); nodes.add(l.source); up(l.source); }); }
    function down(n) { n.sourceLinks.forEach(function (l) { links.add(l); nodes.add(l.target); down(l.target); }); }
    up(node);
    down(node);
    return { nodes: nodes, links: links };
  }

  /** Per-head parts of an attention node, or nothing. */
  function detail(box, n, token) {
    box.textContent = '';
    if (!n || n.kind !== 'attn') {
      box.appendChild(GPT2X.el('p', { 'class': 'hint' }, GPT2X.t('sankey.detail.hint.' + GPT2X.gesture())));
      return;
    }
    var p = n.part;
    box.appendChild(GPT2X.el('h3', null, GPT2X.t('sankey.detail.title', { node: partName(p), token: token })));
    var list = GPT2X.el('ol', { 'class': 'head-parts', start: '0' });
    p.heads.forEach(function (v, h) {
      list.appendChild(GPT2X.el('li', null, GPT2X.t('sankey.detail.head', { head: h, value: signed(v) })));
    });
    box.appendChild(list);
    box.appendChild(GPT2X.el('p', null, GPT2X.t('sankey.detail.sum', {
      heads: GPT2X.sum(p.heads.concat([p.bias]), 4), total: signed(p.value) })));
  }

  function draw(main, insight, c, box, detailBox, tableHolder) {
    var cand = insight.dla.candidates[c];
    var token = GPT2X.token(main, cand.id);
    var g = graph(cand);
    var width = Math.max(box.clientWidth || 960, LEFT + g.parts.length * MIN_COLUMN + RIGHT);
    var sankey = d3.sankey().nodeId(function (d) { return d.id; }).nodeWidth(NODE_W).extent([[0, 0], [width, 400]]);
    var laid = sankey({ nodes: g.nodes, links: g.links });
    // d3-sankey works out each node's links and value; the positions are ours (place), and so are the widths.
    var geo = place(g, width);
    laid.links.forEach(function (l) { l.width = l.value * geo.ky; });
    // update() stacks each node's links in array order: top to bottom by where the other end sits
    laid.nodes.forEach(function (n) {
      n.sourceLinks.sort(function (a, b) { return a.target.y0 - b.target.y0; });
      n.targetLinks.sort(function (a, b) { return a.source.y0 - b.source.y0; });
    });
    sankey.update(laid);

    box.textContent = '';
    tableHolder.textContent = '';
    var svg = d3.select(box).append('svg').attr('viewBox', '0 0 ' + width + ' ' + geo.height)
      .attr('class', 'sankey').style('min-width', width > (box.clientWidth || 0) ? width + 'px' : null);
    var table = GPT2X.a11y.dataTable(tableHolder, {
      id: 'sankey-data', caption: GPT2X.t('a11y.sankey.table', { token: token }), rowHeaders: true,
      columns: [GPT2X.t('a11y.sankey.node'), GPT2X.t('a11y.sankey.value'), GPT2X.t('a11y.sankey.to')],
      rows: laid.nodes.filter(function (d) { return d.kind !== 'stream'; }).map(function (d) {
        return [nodeLabel(d, token), nodeValue(d), d.sourceLinks.map(function (l) { return nodeLabel(l.target, token); }).join(', ')];
      }).concat([[GPT2X.t('sankey.logit', { token: token }), GPT2X.num(cand.logit, 4), '']])
    });
    GPT2X.a11y.chart(svg.node(), GPT2X.t('sankey.aria', { token: token }), table, true);

    var armed = null;   // the node a first tap selected (touch screens)
    function mark(n) {
      var path = n ? pathOf(n) : null;
      svg.classed('marking', !!path);
      linkSel.classed('hot', function (d) { return !!path && path.links.has(d); });
      nodeSel.classed('hot', function (d) { return !!path && path.nodes.has(d); });
    }

    // what a layer reads: the stream so far (a dashed line from the band's edge to the part; no width)
    svg.append('g').attr('class', 'reads').selectAll('path')
      .data(laid.nodes.filter(function (d) { return d.kind === 'attn' || d.kind === 'mlp'; })).join('path')
      .attr('data-reader', function (d) { return d.id; })
      .attr('d', function (d) {
        var x = (d.x0 + d.x1) / 2;
        var before = d.part.before * geo.ky;
        return d.side === 'for' ? 'M' + x + ',' + (geo.forBase - before - 1) + 'V' + d.y1
          : 'M' + x + ',' + (geo.againstBase + before + 1) + 'V' + d.y0;
      });
    var linkSel = svg.append('g').attr('class', 'links').selectAll('path').data(laid.links).join('path')
      .attr('class', function (d) { return 'link link-' + d.source.kind; })
      .attr('data-source', function (d) { return d.source.id; })
      .attr('data-target', function (d) { return d.target.id; })
      .attr('d', ribbon)
      .attr('fill', function (d) { return colour(d.source); })
      .each(function (d) {
        GPT2X.hoverTip(this, function () {
          return [nodeLabel(d.source, token) + ' \u2192 ' + nodeLabel(d.target, token),
            GPT2X.t('sankey.link.value', { value: GPT2X.num(d.value, 4) })];
        });
      })
      .on('mouseenter', function (evt, d) { mark(d.source.kind === 'stream' || d.source.kind === 'total' ? d.target : d.source); })
      .on('mouseleave', function () { mark(null); });
    var nodeSel = svg.append('g').attr('class', 'nodes').selectAll('g').data(laid.nodes).join('g')
      .attr('class', function (d) { return 'node node-' + d.kind + ' side-' + d.side; })
      .attr('data-node', function (d) { return d.id; })
      .each(function (d) {
        // parts and totals are tab stops; a running total between them is read by hover, tap or the data table
        if (d.kind !== 'stream') {
          GPT2X.a11y.focusable(this, GPT2X.t(d.kind === 'total' ? 'a11y.sankey.totalLabel' : 'a11y.sankey.nodeLabel',
            { node: nodeLabel(d, token), value: nodeValue(d) }), function (evt) {
            // on a touch screen the first tap shows the readout and the path (hover's equivalent), the second opens
            if (evt.type === 'click' && evt.pointerType === 'touch' && armed !== d) { armed = d; mark(d); return; }
            armed = null;
            detail(detailBox, d, token);
            if (d.part) { open(d); }
          });
        }
        GPT2X.hoverTip(this, function () {
          var lines = [nodeLabel(d, token), GPT2X.t(d.part && d.kind !== 'stream' ? 'sankey.node.part' : 'sankey.node.total',
            { value: nodeValue(d), token: token })];
          if (d.part && d.kind !== 'stream') { lines.push(reads(main, d.part)); }
          return lines;
        });
      })
      .on('mouseenter', function (evt, d) { mark(d); })
      .on('mouseleave', function () { mark(null); });
    // focus listeners only on tab stops: Chromium makes any SVG element with one focusable
    nodeSel.filter(function (d) { return d.kind !== 'stream'; })
      .on('focus', function (evt, d) { mark(d); })
      .on('blur', function () { mark(null); });
    nodeSel.append('rect').attr('x', function (d) { return d.x0; }).attr('y', function (d) { return d.y0; })
      .attr('width', NODE_W).attr('height', function (d) { return Math.max(1, d.y1 - d.y0); })
      .attr('fill', colour);
    // a part's name and value: above it (pushes for) or below it (pushes against)
    var partLabels = nodeSel.filter(function (d) { return !!d.part && d.kind !== 'stream'; }).append('text')
      .attr('class', 'part-label').attr('text-anchor', 'middle')
      .attr('x', function (d) { return (d.x0 + d.x1) / 2; })
      .attr('y', function (d) { return d.side === 'for' ? d.y0 - 18 : d.y1 + 12; })
      .attr('dy', '0.35em');
    partLabels.append('tspan').attr('class', 'name').text(function (d) { return shortName(d.part); });
    partLabels.append('tspan').attr('class', 'value').attr('x', function (d) { return (d.x0 + d.x1) / 2; }).attr('dy', '1.15em')
      .text(function (d) { return signed(d.part.value); });
    nodeSel.filter(function (d) { return d.kind === 'total'; }).append('text').attr('class', 'total-label')
      .attr('x', function (d) { return d.x1 + 6; })
      .attr('y', function (d) { return d.side === 'for' ? Math.min(d.y0 + 8, geo.forBase - 22) : Math.max(d.y1 - 8, geo.againstBase + 22); })
      .attr('dy', '0.35em')
      .text(function (d) { return GPT2X.t('sankey.total.short.' + d.side) + ' ' + nodeValue(d); });
    // the logit: top total minus bottom total, between the two totals
    var logitText = svg.append('text').attr('class', 'logit-label').attr('x', width - RIGHT + 8 + NODE_W + 6)
      .attr('y', (geo.forBase + geo.againstBase) / 2).attr('dy', '0.35em');
    logitText.append('tspan').text(GPT2X.t('sankey.logit', { token: token }) + ' ' + GPT2X.num(cand.logit, 4));
    logitText.append('tspan').attr('class', 'logit-sum').attr('x', width - RIGHT + 8 + NODE_W + 6).attr('dy', '1.2em')
      .text('= ' + GPT2X.sum([g.pushFor, -g.pushAgainst], 4));
    // block captions under the columns
    var captions = [{ x: LEFT + NODE_W / 2, text: GPT2X.t('sankey.caption.embed') }];
    for (var l = 0; l < cand.attn.length; l++) {
      captions.push({ x: LEFT + (1 + 2 * l) * geo.column + (geo.column + NODE_W) / 2, text: GPT2X.t('sankey.caption.layer', { layer: l }), layer: l });
    }
    captions.push({ x: LEFT + (g.parts.length - 1) * geo.column + NODE_W / 2, text: GPT2X.t('sankey.caption.lnf') });
    svg.append('g').attr('class', 'captions').selectAll('text').data(captions).join('text')
      .attr('x', function (d) { return d.x; }).attr('y', geo.height - 8).attr('text-anchor', 'middle')
      .attr('data-layer', function (d) { return d.layer === undefined ? null : String(d.layer); })
      .attr('class', function (d) { return d.layer === undefined ? null : 'block-caption'; })
      .text(function (d) { return d.text; })
      .each(function (d) {
        // a block's caption opens that block in place (the model level's way down to the block level)
        if (d.layer === undefined) { return; }
        GPT2X.a11y.focusable(this, GPT2X.t('zoom.open.block', { layer: d.layer }), function () {
          GPT2X.router.set({ view: undefined, level: 'block', op: undefined, layer: d.layer });
        });
      });
    markZoomed();
    detail(detailBox, null, token);
    return { mark: function (id) { mark(laid.nodes.filter(function (d) { return d.id === id; })[0] || null); } };
  }

  /** Buttons naming the five candidates (display text and probability at temperature 1): which logit to take apart. */
  function picker(main, insight, onPick) {
    var probs = GPT2X.sampling.distribution(GPT2X.decode(main.next.logits), 1, 0, 1).probs;
    var group = GPT2X.el('div', { 'class': 'sankey-candidates', role: 'group', 'aria-labelledby': 'sankey-candidates-label' });
    group.appendChild(GPT2X.el('span', { 'class': 'label', id: 'sankey-candidates-label' }, GPT2X.t('sankey.candidates')));
    var buttons = insight.dla.candidates.map(function (cand, c) {
      var b = GPT2X.el('button', { type: 'button', 'class': 'candidate', 'data-id': String(cand.id), 'aria-pressed': c === 0 ? 'true' : 'false' });
      b.appendChild(GPT2X.el('span', { 'class': 'tok' }, GPT2X.token(main, cand.id)));
      b.appendChild(GPT2X.el('span', { 'class': 'prob' }, GPT2X.percent(probs[cand.id])));
      b.addEventListener('click', function () {
        buttons.forEach(function (other, i) { other.setAttribute('aria-pressed', i === c ? 'true' : 'false'); });
        onPick(c);
      });
      // linked highlighting: hovering a button lights its candidate elsewhere (its click draws it here, no pick)
      GPT2X.highlight.source(b, 'candidate', cand.id, { pick: false });
      group.appendChild(b);
      return b;
    });
    /** Lights the button of the lit candidate (the highlight bus's 'candidate'), if it is one of the five. */
    function light(id) {
      buttons.forEach(function (b) { b.classList.toggle('lit', id !== null && b.getAttribute('data-id') === String(id)); });
    }
    GPT2X.on('candidate', light);
    light(GPT2X.highlight.lit('candidate'));
    return group;
  }

  /** The caption of the block open in place under the chart (block.js, #level=block|op) is marked as open. */
  function markZoomed() {
    var level = GPT2X.router.get('level'), view = GPT2X.router.get('view');
    var opened = (level === 'block' || level === 'op') && (!view || view === 'overview') ? GPT2X.router.get('layer', '0') : null;
    document.querySelectorAll('#sankey .block-caption').forEach(function (c) {
      c.classList.toggle('zoomed', c.getAttribute('data-layer') === opened);
    });
  }

  GPT2X.sankeyOverview = { graph: graph, highlight: function () {} };

  GPT2X.view('sankey-overview', {
    section: 'overview',
    init: function (main) {
      var box = document.getElementById('sankey');
      var detailBox = document.getElementById('sankey-detail');
      var tableHolder = GPT2X.el('div', { 'class': 'sankey-table' });
      box.parentNode.insertBefore(tableHolder, detailBox);
      GPT2X.a11y.scrollBox(box, GPT2X.t('sankey.region'), true);
      GPT2X.router.listen(markZoomed);
      return GPT2X.load(GPT2X.data.insight(document.body.getAttribute('data-prompt'))).then(function (insight) {
        var drawn;
        function show(c) {
          drawn = draw(main, insight, c, box, detailBox, tableHolder);
          GPT2X.sankeyOverview.highlight = drawn.mark;
        }
        var hint = box.previousElementSibling && box.previousElementSibling.classList.contains('scroll-hint') ? box.previousElementSibling : box;
        box.parentNode.insertBefore(picker(main, insight, show), hint);
        show(0);
        box.setAttribute('data-ready', 'true');
      }).catch(function (err) { GPT2X.fail('overview', err); });
    }
  });
}(window.GPT2X));
