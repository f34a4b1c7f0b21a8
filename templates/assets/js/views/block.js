/*
 * One block, as a vertical pipeline: stream in -> ln_1 -> Q, K, V -> heads -> projection -> add -> ln_2 ->
 * MLP expansion -> GELU -> compression -> add, each stage a small heat strip of its real values (all tokens)
 * in the Sankey's colour for that part (attention blue, MLP vermillion, stream grey, embedding green).
 * Each stage opens its operation view (embedding, layernorm, qkv, mlp, residual) full size right under it:
 * the three levels are overview (the Sankey) -> one block (this pipeline) -> one operation.
 * State: #view=block|embedding|layernorm|qkv|mlp|residual&layer=L&token=T&ch=C (&ln=1|2, &head=H): the block in
 * its own section. Zoomed in place from the overview: #level=block&layer=L (the block; view absent or overview) or
 * &level=op&op=<op> (one operation, attention included): the block's body moves into the overview's #zoom panel,
 * grows out of the Sankey node it was chosen from, the N blocks show as a stack with this one pulled out, an
 * operation opens collapsed to its result with its derivation one step per click (or played), and Escape or the
 * breadcrumb goes back a level.
 */
(function (GPT2X) {
  'use strict';

  var OPS = ['embedding', 'layernorm', 'qkv', 'mlp', 'residual'];   // opened by #view=<op> in the block's section
  var ZOOM_OPS = OPS.concat(['attention']);                         // opened by #level=op&op=<op> in the overview
  var GROW_MS = 450;    // the chosen Sankey node growing into the zoom panel
  var STEP_MS = 900;    // one derivation step to the next when played

  function reducedMotion() {
    return !!(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
  }

  /**
   * Lets the eye follow where a detail came from: a ghost of `from` (a Sankey node, a stage button) grows into
   * `to`'s box while `to` fades in. Returns the duration used: 0 when the reader prefers reduced motion.
   */
  function grow(from, to) {
    var ms = reducedMotion() ? 0 : GROW_MS;
    if (!ms || !from || !to || !from.getBoundingClientRect) { return 0; }
    var a = from.getBoundingClientRect(), b = to.getBoundingClientRect();
    if (a.width === 0 && a.height === 0) { return 0; }
    var ghost = GPT2X.el('div', { 'class': 'zoom-ghost', 'aria-hidden': 'true' });
    ghost.style.background = from.getAttribute('fill') || '';
    document.body.appendChild(ghost);
    d3.select(ghost).style('left', a.left + 'px').style('top', a.top + 'px').style('width', a.width + 'px')
      .style('height', Math.max(4, a.height) + 'px').style('opacity', 0.6)
      .transition().duration(ms).ease(d3.easeCubicInOut)
      .style('left', b.left + 'px').style('top', b.top + 'px').style('width', b.width + 'px')
      .style('height', Math.min(b.height, window.innerHeight - Math.max(0, b.top)) + 'px').style('opacity', 0.1)
      .remove();
    d3.select(to).style('opacity', 0).transition().delay(ms / 3).duration(ms * 2 / 3).style('opacity', null);
    return ms;
  }

  /**
   * An operation collapsed to its result: of its figures (the op view's strips or attention stages, in the order
   * they are computed) only the last shows; "how is it computed" reveals them one step per click (◀ ▶) or plays
   * them (all at once under reduced motion). data-step on the bar: 0 collapsed, k = the first k steps shown.
   */
  function stepper(host) {
    var steps = Array.prototype.slice.call(host.querySelectorAll('figure.hs, figure.attn-panel'));
    var n = steps.length;
    if (n < 2) { return; }
    var shown = 0, timer = null;
    var bar = GPT2X.el('div', { 'class': 'op-steps', 'data-steps': String(n) });
    var toggle = GPT2X.el('button', { type: 'button', 'class': 'op-steps-toggle' });
    var prev = GPT2X.el('button', { type: 'button', 'class': 'op-step-prev', 'aria-label': GPT2X.t('zoom.step.prev') }, '\u25c0');
    var next = GPT2X.el('button', { type: 'button', 'class': 'op-step-next', 'aria-label': GPT2X.t('zoom.step.next') }, '\u25b6');
    var play = GPT2X.el('button', { type: 'button', 'class': 'op-step-play' }, GPT2X.t('zoom.step.play'));
    var where = GPT2X.el('span', { 'class': 'op-step-where', role: 'status', 'aria-live': 'polite' });
    [toggle, prev, next, play, where].forEach(function (e) { bar.appendChild(e); });
    var first = steps[0];
    while (first.parentNode !== host) { first = first.parentNode; }   // above the figures' own box (a flex row)
    host.insertBefore(bar, first);

    function title(f) {
      var cap = f.querySelector('.hs-title') || f.querySelector('figcaption');
      return cap ? cap.textContent : '';
    }
    function draw() {
      steps.forEach(function (f, i) {
        f.hidden = shown === 0 ? i !== n - 1 : i >= shown;
        f.classList.toggle('step-new', shown > 0 && i === shown - 1);
      });
      bar.setAttribute('data-step', String(shown));
      toggle.textContent = GPT2X.t(shown === 0 ? 'zoom.steps.open' : 'zoom.steps.close', { n: n });
      toggle.setAttribute('aria-expanded', shown === 0 ? 'false' : 'true');
      [prev, next, play].forEach(function (b) { b.hidden = shown === 0; });
      prev.disabled = shown <= 1;
      next.disabled = shown >= n;
      where.textContent = shown === 0 ? GPT2X.t('zoom.steps.result', { step: title(steps[n - 1]) })
        : GPT2X.t('zoom.step.where', { k: shown, n: n, step: title(steps[shown - 1]) });
    }
    function stop() { if (timer) { window.clearInterval(timer); timer = null; } }
    function go(k) { shown = Math.max(0, Math.min(n, k)); draw(); }
    toggle.addEventListener('click', function () { stop(); go(shown === 0 ? 1 : 0); });
    prev.addEventListener('click', function () { stop(); go(shown - 1); });
    next.addEventListener('click', function () { stop(); go(shown + 1); });
    play.addEventListener('click', function () {
      stop();
      if (reducedMotion()) { go(n); return; }
      go(1);
      timer = window.setInterval(function () {
        if (!host.isConnected || shown >= n) { stop(); return; }
        go(shown + 1);
      }, STEP_MS);
    });
    draw();
  }

  /** The pipeline's stages for block l; `op`/`ln` name the operation view a stage opens. */
  function stages(l, withEmbedding) {
    var embedding = (l > 0 && withEmbedding) ? [{ key: 'embed', stage: 'embed', op: 'embedding' }] : [];
    return embedding.concat([
      { key: l === 0 ? 'embed' : 'in', stage: l === 0 ? 'embed' : 'stream', op: l === 0 ? 'embedding' : 'residual' },
      { key: 'ln_1.out', stage: 'attn', op: 'layernorm', ln: '1' },
      { key: 'attn.q', stage: 'attn', op: 'qkv' },
      { key: 'attn.heads', stage: 'attn', op: 'attention' },
      { key: 'attn.proj', stage: 'attn', op: 'qkv' },
      { key: 'resid_mid', stage: 'stream', op: 'residual', add: true },
      { key: 'ln_2.out', stage: 'mlp', op: 'layernorm', ln: '2' },
      { key: 'mlp.fc', stage: 'mlp', op: 'mlp' },
      { key: 'mlp.gelu', stage: 'mlp', op: 'mlp' },
      { key: 'mlp.proj', stage: 'mlp', op: 'mlp' },
      { key: 'resid_post', stage: 'stream', op: 'residual', add: true }
    ]);
  }

  /** [H, T, D] -> [T, H*D]: the heads side by side, as the model concatenates them. */
  function concat(values, shape) {
    var H = shape[0], T = shape[1], D = shape[2];
    var out = new Float32Array(T * H * D);
    for (var h = 0; h < H; h++) {
      for (var t = 0; t < T; t++) {
        for (var d = 0; d < D; d++) { out[t * H * D + h * D + d] = values[(h * T + t) * D + d]; }
      }
    }
    return out;
  }

  GPT2X.view('block', {
    section: 'inside',
    concat: concat,
    init: function (main) {
      var L = main.model.layers, T = main.tokens.length, E = main.model.width;
      var section = document.getElementById('inside');
      var body = document.getElementById('blk-body');      // moves between this section and the overview's zoom panel
      var away = document.getElementById('blk-away');      // what this section says while the body is in the overview
      var zoom = document.getElementById('zoom');
      var layerSelect = document.getElementById('blk-layer');
      var tokenSelect = document.getElementById('blk-token');
      var list = document.getElementById('blk-pipeline');
      var status = document.getElementById('blk-status');
      for (var t = 0; t < T; t++) {
        tokenSelect.appendChild(GPT2X.el('option', { value: String(t) }, t + ': ' + GPT2X.token(main, main.tokens[t])));
      }
      var showLayer = GPT2X.layerSelect(layerSelect, L, function (l) { GPT2X.router.set({ layer: l }); });
      tokenSelect.addEventListener('change', function () { GPT2X.router.set({ token: tokenSelect.value }); });

      var shownKey = null, panel = null, visible = false, rendering = null;
      // Where you are among the three levels (model -> block -> operation), each level a link back to it.
      var crumbs = GPT2X.el('nav', { 'class': 'crumbs', id: 'blk-crumbs', 'aria-label': GPT2X.t('crumbs.label') });
      body.insertBefore(crumbs, body.firstChild);

      // The zoom panel: the model level's stack of N blocks (the open one pulled out), then the block's body.
      var stack = GPT2X.el('div', { 'class': 'block-stack', role: 'group', 'aria-label': GPT2X.t('zoom.blocks.label', { n: L }) });
      var blockCards = [];
      for (var l = 0; l < L; l++) {
        var card = GPT2X.el('button', { type: 'button', 'class': 'block-card', 'data-layer': String(l),
          'aria-label': GPT2X.t('crumbs.block', { layer: l }) }, String(l));
        card.addEventListener('click', function (e) { GPT2X.router.set({ layer: e.currentTarget.getAttribute('data-layer') }); });
        stack.appendChild(card);
        blockCards.push(card);
      }
      var head = GPT2X.el('div', { 'class': 'zoom-head' });
      head.appendChild(stack);
      head.appendChild(GPT2X.el('span', { 'class': 'block-stack-count' }, GPT2X.t('zoom.blocks', { n: L })));
      zoom.appendChild(head);

      function zoomLinks(s) {
        // no view: the page stays where it is (a view would scroll to its section)
        return { model: '#level=&op=', block: '#level=block&op=&layer=' + s.layer };
      }

      function showCrumbs(s) {
        crumbs.textContent = '';
        var links = s.zoomed ? zoomLinks(s) : { model: '#view=overview', block: '#view=block&layer=' + s.layer };
        var levels = [[GPT2X.t('crumbs.model'), links.model], [GPT2X.t('crumbs.block', { layer: s.layer }), links.block]];
        if (s.op) { levels.push([GPT2X.t('op.' + s.op + '.title', { layer: s.layer, ln: s.ln }), null]); }
        levels.forEach(function (level, i) {
          if (i > 0) { crumbs.appendChild(GPT2X.el('span', { 'class': 'crumb-sep', 'aria-hidden': 'true' }, '\u203a')); }
          var current = i === levels.length - 1;
          crumbs.appendChild(current ? GPT2X.el('span', { 'aria-current': 'location' }, level[0])
            : GPT2X.el('a', { href: level[1] }, level[0]));
        });
        if (s.zoomed) { crumbs.appendChild(GPT2X.el('span', { 'class': 'hint crumb-esc' }, GPT2X.t('zoom.escape'))); }
      }

      function state() {
        var view = GPT2X.router.get('view'), level = GPT2X.router.get('level'), op = GPT2X.router.get('op');
        var zoomed = (level === 'block' || level === 'op') && (!view || view === 'overview');
        return {
          view: view,
          zoomed: zoomed,
          op: zoomed ? (level === 'op' && ZOOM_OPS.indexOf(op) >= 0 ? op : null) : (OPS.indexOf(view) >= 0 ? view : null),
          layer: GPT2X.router.int('layer', 0, 0, L - 1),
          ln: GPT2X.router.get('ln') === '2' ? '2' : '1',
          head: GPT2X.router.int('head', 0, 0, main.model.heads - 1),
          token: GPT2X.router.int('token', T - 1, 0, T - 1),
          ch: GPT2X.router.int('ch', 0, 0, 4 * E - 1)
        };
      }

      /** Opens or closes an operation of the block, at the level the block is shown at. */
      function go(s, op, ln) {
        if (s.zoomed) { GPT2X.router.set({ level: op ? 'op' : 'block', op: op || undefined, layer: s.layer, ln: ln }); }
        else if (op === 'attention') { GPT2X.router.set({ view: 'attention', layer: s.layer }); }
        else { GPT2X.router.set({ view: op || 'block', layer: s.layer, ln: ln }); }
      }

      var growFrom = null;   // the element the next drawn block grows out of (a Sankey node), if any

      function render(s, scroll) {
        var key = [s.layer, s.op, s.op === 'layernorm' ? s.ln : '', s.op === 'qkv' || s.op === 'attention' ? s.head : ''].join('/');
        if (key + (s.zoomed ? '/zoom' : '') === shownKey) {
          if (panel) { panel.setCursor(s.token, s.ch, null, false); }
          return;
        }
        shownKey = key + (s.zoomed ? '/zoom' : '');
        var mine = shownKey;
        status.textContent = GPT2X.t('attention.loading');
        var wanted = [GPT2X.depth.layer(main, s.layer), GPT2X.depth.streamIn(main, s.layer)];
        // the embedding row sits on top of block 0; on another block it is added when the embedding is open
        if (s.op === 'embedding') { wanted.push(GPT2X.depth.model(main)); }
        rendering = Promise.all(wanted).then(function (got) {
          if (shownKey !== mine) { return; }
          var d = got[0], streamIn = got[1], embed = s.layer === 0 ? streamIn : got[2] && got[2]['embed.sum'];
          status.textContent = '';
          list.textContent = '';
          panel = null;
          var values = {
            'in': streamIn, embed: embed, 'attn.q': concat(d['attn.q'], d.shapes['attn.q']),
            'attn.heads': concat(d['attn.heads'], d.shapes['attn.heads']),
            'mlp.gelu': GPT2X.depth.geluAll(d['mlp.fc'])
          };
          var all = stages(s.layer, s.op === 'embedding');
          var hostAfter = -1;
          if (s.op) {
            all.forEach(function (st, i) {
              if (st.op === s.op && (s.op !== 'layernorm' || st.ln === s.ln)) { hostAfter = i; }
            });
          }
          all.forEach(function (st, i) {
            var v = values[st.key] || d[st.key];
            var cols = v.length / T;
            var li = GPT2X.el('li', { 'class': 'blk-stage blk-' + st.stage + (st.add ? ' blk-add' : ''), 'data-stage': st.key });
            var open = hostAfter === i;
            var label = GPT2X.t('block.stage.' + st.key);
            var btn = GPT2X.el('button', { type: 'button', 'class': 'blk-open', 'aria-expanded': open ? 'true' : 'false',
              'data-op': st.op });
            btn.appendChild(GPT2X.el('span', { 'class': 'blk-name' }, label));
            btn.appendChild(GPT2X.el('span', { 'class': 'blk-shape' }, '[' + T + ' \u00d7 ' + cols + ']'));
            btn.appendChild(GPT2X.el('span', { 'class': 'blk-chevron', 'aria-hidden': 'true' }, open ? '\u25be' : '\u25b8'));
            btn.setAttribute('aria-label', GPT2X.t(open ? 'block.close' : 'block.open', { stage: label }));
            btn.addEventListener('click', function () {
              if (open) { go(s, null); } else { go(s, st.op, st.ln); }
            });
            li.appendChild(btn);
            var mini = GPT2X.el('div', { 'class': 'blk-mini' });
            var clip = GPT2X.depth.clip(v);
            var canvasBox = GPT2X.el('span', { 'class': 'blk-mini-canvas' });
            canvasBox.appendChild(GPT2X.depth.mini(v, T, cols, clip));
            var litRow = GPT2X.el('span', { 'class': 'lit-row', 'aria-hidden': 'true' }); // the lit token's row
            litRow.style.height = (100 / T) + '%';
            canvasBox.appendChild(litRow);
            mini.appendChild(canvasBox);
            // the strip's own colour limit, as its legend: full purple at -clip, full orange at +clip
            mini.appendChild(GPT2X.el('span', { 'class': 'blk-range', title: GPT2X.t('block.range') }, '\u00b1' + GPT2X.num(clip, 3)));
            li.appendChild(mini);
            list.appendChild(li);
            if (open) {
              var host = GPT2X.el('li', { 'class': 'op-host op-' + st.stage, id: 'op-' + s.op });
              list.appendChild(host);
              host.appendChild(GPT2X.el('h3', null, GPT2X.t('op.' + s.op + '.title', { layer: s.layer, ln: s.ln })));
              host.appendChild(GPT2X.el('p', { 'class': 'explain' }, GPT2X.t('op.' + s.op + '.explain', { layer: s.layer, ln: s.ln })));
              return GPT2X.views[s.op].render(host, main, { layer: s.layer, ln: s.ln, head: s.head, data: d, streamIn: streamIn })
                .then(function (p) {
                  panel = p;
                  // opened in place: collapsed to its result, its derivation a step at a time
                  if (s.zoomed) { stepper(host); }
                  lightBlock();
                  if (scroll && host.scrollIntoView) { host.scrollIntoView({ block: 'start' }); }
                }).catch(function (err) { GPT2X.fail('op-' + s.op, err); });
            }
          });
          section.setAttribute('data-rendered', key);
          if (s.zoomed && growFrom) { zoom.setAttribute('data-transition-ms', String(grow(growFrom, zoom))); }
          if (s.zoomed) { zoom.setAttribute('data-rendered', key); }
          growFrom = null;
          lightBlock();
        }).catch(function (err) { status.textContent = ''; shownKey = null; GPT2X.fail('inside', err); });
      }

      /** Linked highlighting (core.js): the lit token's row in every strip of the pipeline and of the open operation. */
      function lightBlock() {
        var p = GPT2X.highlight.lit('token');
        var on = p !== null && p >= 0 && p < T;
        list.querySelectorAll('.lit-row').forEach(function (r) {
          r.style.top = (on ? 100 * p / T : 0) + '%';
          r.classList.toggle('lit', on);
        });
        list.querySelectorAll('.hs-rows').forEach(function (rows) {
          Array.prototype.forEach.call(rows.children, function (li, i) { li.classList.toggle('lit', i === p); });
        });
      }
      GPT2X.on('token', lightBlock);

      /** The Sankey node a zoom to this state grows out of: the operation's node, else the block's attention node. */
      function sankeyNode(s) {
        var id = (s.op === 'mlp' ? 'mlp' : 'attn') + s.layer;
        return document.querySelector('#sankey [data-node="' + id + '"] rect');
      }

      /** Puts the block's body where the state shows it: in the overview's zoom panel, or in its own section. */
      function place(s) {
        var wasZoomed = !zoom.hidden;
        if (s.zoomed && body.parentNode !== zoom) { zoom.appendChild(body); }
        if (!s.zoomed && body.parentNode !== section) { section.appendChild(body); }
        // the way back first: on top of the zoom panel, or of the block's own section
        if (s.zoomed) { zoom.insertBefore(crumbs, zoom.firstChild); } else { body.insertBefore(crumbs, body.firstChild); }
        zoom.hidden = !s.zoomed;
        away.hidden = !s.zoomed;
        away.textContent = '';
        if (s.zoomed) {
          away.appendChild(document.createTextNode(GPT2X.t('zoom.away', { layer: s.layer }) + ' '));
          away.appendChild(GPT2X.el('a', { href: '#view=overview' }, GPT2X.t('zoom.away.link')));
          blockCards.forEach(function (c, i) { c.setAttribute('aria-pressed', i === s.layer ? 'true' : 'false'); });
        }
        return wasZoomed;
      }

      var lastView = GPT2X.router.get('view'), lastZoom = null;
      function show() {
        var s = state();
        showLayer(s.layer);
        tokenSelect.value = String(s.token);
        var wasZoomed = place(s);
        showCrumbs(s);
        var ours = s.view === 'block' || s.op !== null || s.zoomed;
        if (ours) { visible = true; }
        var scroll = !s.zoomed && ours && s.view !== lastView;
        lastView = s.view;
        // the block grows out of its Sankey node when it opens or another block is chosen
        var zoomAt = s.zoomed ? String(s.layer) : null;
        if (zoomAt !== null && zoomAt !== lastZoom) { growFrom = sankeyNode(s); }
        // opened from the chart by keyboard (or a tap): focus follows into the panel, so Tab reaches its crumbs next
        var fromChart = document.activeElement && document.activeElement.closest && document.activeElement.closest('#sankey');
        if (zoomAt !== null && lastZoom === null && fromChart) {
          zoom.setAttribute('tabindex', '-1');
          zoom.focus({ preventScroll: true });
        }
        if (!s.zoomed && wasZoomed && lastZoom !== null) {
          var back = sankeyNode(s);
          if (back && back.parentNode && back.parentNode.focus) { back.parentNode.focus({ preventScroll: true }); }
        }
        lastZoom = zoomAt;
        if (visible) { render(s, scroll && s.op !== null); }
      }
      GPT2X.router.listen(show);

      // Escape goes back a level while zoomed in place (the tour, when open, has Escape first)
      document.addEventListener('keydown', function (e) {
        if (e.key !== 'Escape' || e.defaultPrevented || GPT2X.router.get('tour')) { return; }
        var tag = e.target && e.target.tagName;
        if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') { return; }
        var s = state();
        if (!s.zoomed) { return; }
        e.preventDefault();
        GPT2X.router.set(s.op ? { level: 'block', op: undefined } : { level: undefined, op: undefined });
      });

      // Lazy: the layer file is loaded when the section comes near the viewport or the URL asks for it.
      if ('IntersectionObserver' in window) {
        new IntersectionObserver(function (entries, obs) {
          if (entries.some(function (e) { return e.isIntersecting; })) {
            obs.disconnect();
            visible = true;
            show();
          }
        }, { rootMargin: '300px' }).observe(section);
      } else {
        visible = true;
      }
      show();
    }
  });
}(window.GPT2X));
