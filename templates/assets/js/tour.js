/*
 * The guided tour (issue 17): short cards on every prompt page. Each card sets the page's state through the
 * router (section, layer, head, token, candidate, temperature, ...), so the views draw what it talks about
 * and the linked highlighting lights its token and candidate; it outlines the part of the page it means; and
 * it quotes this prompt's own numbers: its text is the i18n template tour.<card>.text filled from the data
 * (facts(), below), never a typed number. The card number is in the URL (#tour=3): a tour resumes on reload,
 * can be linked to, and back/forward step through it. The cards drive the views; the views know nothing of
 * the tour (as in Transformer Explainer's textbook pages).
 */
(function (GPT2X) {
  'use strict';

  /** Every router key a card sets: a card removes those it does not name, so it looks the same however it is reached. */
  var KEYS = ['view', 'layer', 'head', 'token', 't', 'k', 'p', 'steps', 'cand', 'run', 'step', 'ln', 'ch', 'node'];
  /** How many candidates the probability flow draws (probsankey.js N): the rest share "all other tokens". */
  var FLOW_CANDIDATES = 10;
  var COLD = 0.5, HOT = 1.5; // the temperatures two cards set

  function argmaxOf(values, n, at) {
    var best = 0;
    for (var i = 1; i < n; i++) { if (at(i) > at(best)) { best = i; } }
    return best;
  }

  function norm(values, from, n) {
    var s = 0;
    for (var i = 0; i < n; i++) { s += values[from + i] * values[from + i]; }
    return Math.sqrt(s);
  }

  /**
   * The overview's direct logit attribution of the predicted token (insight part, dla.candidates[0]): its logit
   * and the parts (embedding, each block's attention and MLP) that push it up and down the most.
   */
  function strongest(cand) {
    var list = [{ id: 'embed', key: 'sankey.embedding', value: cand.embed }];
    for (var l = 0; l < cand.attn.length; l++) {
      list.push({ id: 'attn' + l, key: 'sankey.attention', layer: l, value: cand.attn[l] });
      list.push({ id: 'mlp' + l, key: 'sankey.mlp', layer: l, value: cand.mlp[l] });
    }
    var up = null, down = null; // none when no part pushes that way
    list.forEach(function (p) {
      if (p.value > 0 && (!up || p.value > up.value)) { up = p; }
      if (p.value < 0 && (!down || p.value < down.value)) { down = p; }
    });
    return { id: cand.id, logit: cand.logit, up: up, down: down };
  }

  /**
   * The numbers the cards quote, from the prompt's data: main.js (sync), insight.js (the overview's logit
   * attribution), model.js and the last layer's file (the stream's length after the embedding and after the
   * last block), heads.js (every layer's attention weights: which head looks hardest at an earlier token) and
   * that layer's attn file (its raw and scaled score). Resolves to an object of plain values.
   */
  function facts(main) {
    var T = main.tokens.length, L = main.model.layers, H = main.model.heads, E = main.model.width;
    var last = T - 1;
    var logits = GPT2X.decode(main.next.logits);
    var at1 = GPT2X.sampling.distribution(logits, 1, 0, 1).probs;
    var top = main.next.topIds[0], second = main.next.topIds[1];
    var cold = GPT2X.sampling.distribution(logits, COLD, 0, 1).probs;
    var hot = GPT2X.sampling.distribution(logits, HOT, 0, 1).probs;
    var hotShown = 0;
    main.next.topIds.slice(0, FLOW_CANDIDATES).forEach(function (id) { hotShown += hot[id]; });
    var f = {
      T: T, L: L, H: H, E: E, D: main.model.headDim, V: main.model.vocab, last: last, lastId: main.tokens[last],
      top: top, second: second, pTop: at1[top], pSecond: at1[second],
      cold: COLD, pCold: cold[top], hot: HOT, pHot: hot[top], hotRest: Math.max(0, 1 - hotShown)
    };
    // the attention flow's input column for the last position: its rollout row after the last block, [L, T, T]
    var rollout = GPT2X.decode(main.flow.rollout);
    var row = (L - 1) * T * T + last * T;
    f.flowFrom = argmaxOf(rollout, T, function (j) { return rollout[row + j]; });
    f.flowShare = rollout[row + f.flowFrom];
    // the logit lens at the last position after the first and the last block (top entry), [L, T, K]
    if (main.lens) {
      var lp = GPT2X.decode(main.lens.probs), K = main.lens.shape[2];
      f.lens = { firstId: main.lens.ids[last * K], firstP: lp[last * K],
        lastId: main.lens.ids[((L - 1) * T + last) * K], lastP: lp[((L - 1) * T + last) * K] };
    }
    // the first sampled run (else the greedy one), its first step
    var runs = main.generations;
    var r = Math.max(0, runs.map(function (g) { return g.temperature > 0; }).indexOf(true));
    if (runs.length && runs[r].tokenIds.length) {
      f.gen = { run: r, t: runs[r].temperature, id: runs[r].tokenIds[0], u: GPT2X.decode(runs[r].draw)[0],
        p: GPT2X.decode(runs[r].probability)[0] };
    }
    var id = main.promptId;
    return GPT2X.load(GPT2X.data.insight(id)).then(function (insight) {
      f.dla = strongest(insight.dla.candidates[0]);
      return GPT2X.load(GPT2X.data.model(id));
    }).then(function (raw) {
      f.embedNorm = norm(GPT2X.decode(raw['embed.sum']), last * E, E); // [T, E]
      return GPT2X.load(GPT2X.data.layer(id, L - 1));
    }).then(function (raw) {
      f.postNorm = norm(GPT2X.decode(raw.resid_post), last * E, E);   // [T, E]
      return GPT2X.load(GPT2X.data.heads(id));
    }).then(function (raw) {
      var w = GPT2X.decode(raw.softmax); // [L, H, T, T]
      var best = { w: -1 };
      for (var l = 0; l < L; l++) {
        for (var h = 0; h < H; h++) {
          for (var k = 0; k < last; k++) {
            var v = w[((l * H + h) * T + last) * T + k];
            if (v > best.w) { best = { w: v, layer: l, head: h, key: k }; }
          }
        }
      }
      if (last === 0) { best = { w: w[0], layer: 0, head: 0, key: 0 }; } // one token: it can only look at itself
      f.attn = best;
      return GPT2X.load(GPT2X.data.attention(main.promptId, best.layer));
    }).then(function (raw) {
      var i = (f.attn.head * T + last) * T + f.attn.key; // [H, T, T]
      f.attn.raw = GPT2X.decode(raw['attn.scores'])[i];
      f.attn.scaled = GPT2X.decode(raw['attn.scaled'])[i];
      return f;
    });
  }

  /*
   * The cards, in order: the page state each sets (router keys), the part of the page it outlines, and its
   * template's values (card.text: the templates that make its text, when not just tour.<id>.text):
   * {n: number}, {pct: probability}, {temp: temperature}, {int: count or id}, {tok: text of
   * the token at a position or of an id}.
   */
  function cards(main, f) {
    var tokAt = function (p) { return { tok: GPT2X.token(main, main.tokens[p]), position: p }; };
    var tokId = function (id) { return { tok: GPT2X.token(main, id), id: id }; };
    var part = function (p) { return { name: GPT2X.t(p.key, { layer: p.layer }), part: p.id }; };
    var list = [
      { id: 'intro', state: { view: 'overview', cand: f.dla.id }, focus: '#sankey',
        text: ['tour.intro.text'].concat(f.dla.up ? ['tour.intro.up'] : [], f.dla.down ? ['tour.intro.down'] : [], ['tour.intro.end']),
        values: { tokens: { int: f.T }, layers: { int: f.L }, top: tokId(f.dla.id), p: { pct: f.pTop },
          logit: { n: f.dla.logit },
          up: f.dla.up && part(f.dla.up), upBy: f.dla.up && { n: f.dla.up.value },
          down: f.dla.down && part(f.dla.down), downBy: f.dla.down && { n: f.dla.down.value } } },
      { id: 'tokens', state: { view: 'tokens', token: f.last }, focus: '#tokens .token-list',
        values: { tokens: { int: f.T }, last: tokAt(f.last), id: { int: f.lastId }, vocab: { int: f.V } } },
      { id: 'embedding', state: { view: 'embedding', layer: 0, token: f.last }, focus: '#inside .blk-pipeline',
        values: { width: { int: f.E }, last: tokAt(f.last), norm: { n: f.embedNorm } } },
      { id: 'attention', state: { view: 'attention', layer: f.attn.layer, head: f.attn.head, token: f.last },
        focus: '#attn-stages',
        values: { layer: { int: f.attn.layer }, head: { int: f.attn.head }, query: tokAt(f.last), key: tokAt(f.attn.key),
          weight: { pct: f.attn.w } } },
      { id: 'steps', state: { view: 'attention', layer: f.attn.layer, head: f.attn.head, token: f.last, steps: '1' },
        focus: '#attn-stages',
        values: { query: tokAt(f.last), key: tokAt(f.attn.key), raw: { n: f.attn.raw }, d: { int: f.D },
          sqrt: { n: Math.sqrt(f.D) }, scaled: { n: f.attn.scaled }, weight: { pct: f.attn.w } } },
      { id: 'heads', state: { view: 'heads' }, focus: '#heads-grid',
        values: { heads: { int: f.H }, layers: { int: f.L }, maps: { int: f.L * f.H } } },
      { id: 'flow', state: { view: 'flow', token: f.last }, focus: '#flow-chart',
        values: { layers: { int: f.L }, last: tokAt(f.last), from: tokAt(f.flowFrom), share: { pct: f.flowShare } } },
      { id: 'block', state: { view: 'block', layer: 0, token: f.last }, focus: '#blk-pipeline',
        values: { width: { int: f.E }, wide: { int: 4 * f.E } } },
      { id: 'residual', state: { view: 'residual', layer: f.L - 1, token: f.last }, focus: '#blk-pipeline',
        values: { last: tokAt(f.last), embed: { n: f.embedNorm }, block: { int: f.L - 1 }, post: { n: f.postNorm } } }
    ];
    if (f.lens) {
      list.push({ id: 'lens', state: { view: 'lens', layer: f.L - 1, token: f.last, cand: f.lens.lastId }, focus: '#lens-table',
        values: { first: tokId(f.lens.firstId), firstP: { pct: f.lens.firstP }, block: { int: f.L - 1 },
          final: tokId(f.lens.lastId), finalP: { pct: f.lens.lastP } } });
    }
    list.push(
      { id: 'logits', state: { view: 'next-token', cand: f.top }, focus: '#nt-rows',
        values: { top: tokId(f.top), p: { pct: f.pTop }, second: tokId(f.second), p2: { pct: f.pSecond } } },
      { id: 'cold', state: { view: 'next-token', t: String(f.cold), cand: f.top }, focus: '#next-token .controls',
        values: { t: { temp: f.cold }, top: tokId(f.top), p: { pct: f.pCold }, before: { pct: f.pTop } } },
      { id: 'hot', state: { view: 'probsankey', t: String(f.hot), cand: f.top }, focus: '#ps-chart',
        values: { t: { temp: f.hot }, top: tokId(f.top), p: { pct: f.pHot }, n: { int: FLOW_CANDIDATES }, rest: { pct: f.hotRest } } });
    if (f.gen) {
      list.push({ id: f.gen.t > 0 ? 'generation' : 'greedy', state: { view: 'generation', run: f.gen.run, step: 0, cand: f.gen.id },
        focus: '#gen-rows', values: { t: { temp: f.gen.t }, u: { n: f.gen.u }, chosen: tokId(f.gen.id), p: { pct: f.gen.p } } });
    }
    list.push({ id: 'end', state: { view: 'overview' }, focus: '.section-nav', values: {} });
    return list;
  }

  /** The text of a value as the rest of the page prints it. */
  function format(v) {
    if (v.pct !== undefined) { return GPT2X.percent(v.pct); }
    if (v.n !== undefined) { return GPT2X.num(v.n, 4); }
    if (v.temp !== undefined) { return v.temp.toFixed(2); } // as the temperature slider shows it
    if (v.int !== undefined) { return String(v.int); }
    return v.tok;
  }

  /** Fills template `text` into `box`: plain text stays text, each {name} becomes a marked span (never HTML). */
  function fill(box, text, values) {
    box.textContent = '';
    var re = /\{(\w+)\}/g, from = 0, m;
    while ((m = re.exec(text)) !== null) {
      box.appendChild(document.createTextNode(text.slice(from, m.index)));
      var v = values[m[1]];
      if (!v) {
        box.appendChild(document.createTextNode(m[0]));
      } else if (v.part !== undefined) {
        box.appendChild(GPT2X.el('span', { 'class': 'tour-part', 'data-fact': m[1], 'data-part': v.part }, v.name));
      } else if (v.tok !== undefined) {
        var t = GPT2X.el('span', { 'class': 'tok', 'data-fact': m[1] }, v.tok);
        if (v.position !== undefined) { t.setAttribute('data-position', String(v.position)); }
        if (v.id !== undefined) { t.setAttribute('data-id', String(v.id)); }
        box.appendChild(t);
      } else {
        var raw = [v.pct, v.n, v.temp, v.int].filter(function (x) { return x !== undefined; })[0];
        box.appendChild(GPT2X.el('span', { 'class': 'tour-num', 'data-fact': m[1], 'data-value': String(raw) }, format(v)));
      }
      from = re.lastIndex;
    }
    box.appendChild(document.createTextNode(text.slice(from)));
  }

  /** Not a view of one section but a guide over all of them: page.js starts it after the views. */
  GPT2X.tour = {
    cards: cards,
    start: function (main) {
      var box = document.getElementById('tour');
      var start = document.getElementById('tour-start');
      if (!box || !start) { return; } // a handout: no tour
      var title = document.getElementById('tour-title');
      var count = document.getElementById('tour-count');
      var text = document.getElementById('tour-text');
      var prev = document.getElementById('tour-prev');
      var next = document.getElementById('tour-next');
      var list = null, loading = null, focused = [], focusTimer = null;

      function ready() {
        if (!loading) {
          loading = facts(main).then(function (f) { list = cards(main, f); return list; });
          loading.catch(function (err) { loading = null; GPT2X.fail('tour', err); });
        }
        return loading;
      }

      function current() { return list ? GPT2X.router.int('tour', 0, 0, list.length) : 0; }

      /** The router state of card n (1-based): its keys, the others removed. */
      function stateOf(n) {
        var s = { tour: n };
        KEYS.forEach(function (k) { s[k] = undefined; });
        Object.keys(list[n - 1].state).forEach(function (k) { s[k] = list[n - 1].state[k]; });
        return s;
      }

      /** Outlines the card's part of the page (waiting for a view that draws it lazily, up to 5 s). */
      function outline(selector) {
        focused.forEach(function (e) { e.classList.remove('tour-focus'); });
        focused = [];
        window.clearInterval(focusTimer);
        if (!selector) { return; }
        var tries = 0;
        function find() {
          var found = document.querySelectorAll(selector);
          if (found.length || ++tries > 50) {
            window.clearInterval(focusTimer);
            found.forEach(function (e) { e.classList.add('tour-focus'); focused.push(e); });
          }
        }
        focusTimer = window.setInterval(find, 100);
        find();
      }

      function show() {
        var n = current();
        box.hidden = n === 0;
        document.body.classList.toggle('touring', n > 0);
        if (n === 0) { outline(null); return; }
        var card = list[n - 1];
        box.setAttribute('data-card', card.id);
        box.setAttribute('data-index', String(n));
        count.textContent = GPT2X.t('tour.count', { n: n, of: list.length });
        title.textContent = GPT2X.t('tour.' + card.id + '.title');
        // a card's text: its template, or (card.text) several joined as sentences
        var sentences = (card.text || ['tour.' + card.id + '.text']).map(function (k) { return GPT2X.t(k); });
        fill(text, sentences.join(GPT2X.lang === 'zh' ? '' : ' '), card.values);
        prev.disabled = n === 1;
        next.textContent = GPT2X.t(n === list.length ? 'tour.finish' : 'tour.next');
        outline(card.focus);
      }

      function go(n) {
        if (n < 1 || n > list.length) { GPT2X.router.set({ tour: undefined }); return; }
        GPT2X.router.set(stateOf(n));
      }

      /** A URL or history step naming a card: apply its state when the rest of the URL does not already hold it. */
      function follow(state, changes) {
        if (!list) {
          if (GPT2X.router.get('tour')) { ready().then(function () { follow(routerState(), { tour: true }); }); }
          return;
        }
        if (!('tour' in changes)) { show(); return; }
        var n = current();
        if (n > 0) {
          var want = stateOf(n), differs = Object.keys(want).some(function (k) {
            return (want[k] === undefined ? undefined : String(want[k])) !== state[k];
          });
          if (differs) { GPT2X.router.set(want, { replace: true }); return; }
        }
        show();
      }

      start.addEventListener('click', function () { ready().then(function () { go(Math.max(1, current())); }); });
      prev.addEventListener('click', function () { go(current() - 1); });
      next.addEventListener('click', function () { go(current() + 1); });
      document.getElementById('tour-close').addEventListener('click', function () {
        GPT2X.router.set({ tour: undefined });
        start.focus();
      });
      // Arrow keys step while the card has the focus or nothing else does; Escape closes the tour.
      document.addEventListener('keydown', function (e) {
        if (box.hidden || e.altKey || e.ctrlKey || e.metaKey) { return; }
        var free = e.target === document.body || box.contains(e.target);
        if (e.key === 'Escape' && free) { e.preventDefault(); GPT2X.router.set({ tour: undefined }); start.focus(); }
        else if (e.key === 'ArrowRight' && free && current() < list.length) { e.preventDefault(); go(current() + 1); }
        else if (e.key === 'ArrowLeft' && free && current() > 1) { e.preventDefault(); go(current() - 1); }
      }, true); // capture: before the highlight bus, whose Escape would clear the card's token
      GPT2X.router.listen(follow);
      follow(routerState(), { tour: true });

      function routerState() {
        var s = {};
        KEYS.concat(['tour']).forEach(function (k) {
          var v = GPT2X.router.get(k);
          if (v !== undefined) { s[k] = v; }
        });
        return s;
      }
    }
  };
}(window.GPT2X));
