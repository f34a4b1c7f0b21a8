/*
 * One block, as a vertical pipeline: stream in -> ln_1 -> Q, K, V -> heads -> projection -> add -> ln_2 ->
 * MLP expansion -> GELU -> compression -> add, each stage a small heat strip of its real values (all tokens)
 * in the Sankey's colour for that part (attention blue, MLP vermillion, stream grey, embedding green).
 * Each stage opens its operation view (embedding, layernorm, qkv, mlp, residual) full size right under it:
 * the three levels are overview (the Sankey) -> one block (this pipeline) -> one operation.
 * State: #view=block|embedding|layernorm|qkv|mlp|residual&layer=L&token=T&ch=C (&ln=1|2, &head=H).
 */
(function (GPT2X) {
  'use strict';

  var OPS = ['embedding', 'layernorm', 'qkv', 'mlp', 'residual'];

  /** The pipeline's stages for block l; `op`/`ln` name the operation view a stage opens. */
  function stages(l, withEmbedding) {
    var embedding = (l > 0 && withEmbedding) ? [{ key: 'embed', stage: 'embed', op: 'embedding' }] : [];
    return embedding.concat([
      { key: l === 0 ? 'embed' : 'in', stage: l === 0 ? 'embed' : 'stream', op: l === 0 ? 'embedding' : 'residual' },
      { key: 'ln_1.out', stage: 'attn', op: 'layernorm', ln: '1' },
      { key: 'attn.q', stage: 'attn', op: 'qkv' },
      { key: 'attn.heads', stage: 'attn', op: 'qkv' },
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
      list.parentNode.insertBefore(crumbs, list);

      function showCrumbs(s) {
        crumbs.textContent = '';
        var levels = [[GPT2X.t('crumbs.model'), '#view=overview'],
          [GPT2X.t('crumbs.block', { layer: s.layer }), '#view=block&layer=' + s.layer]];
        if (s.op) { levels.push([GPT2X.t('op.' + s.op + '.title', { layer: s.layer, ln: s.ln }), null]); }
        levels.forEach(function (level, i) {
          if (i > 0) { crumbs.appendChild(GPT2X.el('span', { 'class': 'crumb-sep', 'aria-hidden': 'true' }, '\u203a')); }
          var current = i === levels.length - 1;
          crumbs.appendChild(current ? GPT2X.el('span', { 'aria-current': 'location' }, level[0])
            : GPT2X.el('a', { href: level[1] }, level[0]));
        });
      }

      function state() {
        var view = GPT2X.router.get('view');
        return {
          view: view,
          op: OPS.indexOf(view) >= 0 ? view : null,
          layer: GPT2X.router.int('layer', 0, 0, L - 1),
          ln: GPT2X.router.get('ln') === '2' ? '2' : '1',
          head: GPT2X.router.int('head', 0, 0, main.model.heads - 1),
          token: GPT2X.router.int('token', T - 1, 0, T - 1),
          ch: GPT2X.router.int('ch', 0, 0, 4 * E - 1)
        };
      }

      function render(s, scroll) {
        var key = [s.layer, s.op, s.op === 'layernorm' ? s.ln : '', s.op === 'qkv' ? s.head : ''].join('/');
        if (key === shownKey) {
          if (panel) { panel.setCursor(s.token, s.ch, null, false); }
          return;
        }
        shownKey = key;
        status.textContent = GPT2X.t('attention.loading');
        var wanted = [GPT2X.depth.layer(main, s.layer), GPT2X.depth.streamIn(main, s.layer)];
        // the embedding row sits on top of block 0; on another block it is added when the embedding is open
        if (s.op === 'embedding') { wanted.push(GPT2X.depth.model(main)); }
        rendering = Promise.all(wanted).then(function (got) {
          if (shownKey !== key) { return; }
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
              if (open) { GPT2X.router.set({ view: 'block', layer: s.layer }); }
              else { GPT2X.router.set({ view: st.op, layer: s.layer, ln: st.ln }); }
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
                  lightBlock();
                  if (scroll && host.scrollIntoView) { host.scrollIntoView({ block: 'start' }); }
                }).catch(function (err) { GPT2X.fail('op-' + s.op, err); });
            }
          });
          section.setAttribute('data-rendered', key);
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

      var lastView = GPT2X.router.get('view');
      function show() {
        var s = state();
        showLayer(s.layer);
        tokenSelect.value = String(s.token);
        showCrumbs(s);
        var ours = s.view === 'block' || s.op !== null;
        if (ours) { visible = true; }
        var scroll = ours && s.view !== lastView;
        lastView = s.view;
        if (visible) { render(s, scroll && s.op !== null); }
      }
      GPT2X.router.listen(show);
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
