/*
 * Live figures in the chapters: each <figure class="live-figure" data-figure="<view>" data-prompt="<id>"
 * data-layer=... data-head=... data-t=...> that the generator wrote for a {{figure ...}} line of a chapter
 * (site/ChapterFigures.java) is drawn here, from that prompt's recorded data (GPT2X.data), by the same code
 * that draws the view on the prompt page: the attention view's panels, the block's operation views
 * (embedding, layernorm, qkv, mlp, residual), the next-token table. The tokens figure draws the chips the prompt
 * page shows. A figure that fails says so in its frame; the others still draw.
 */
(function (GPT2X) {
  'use strict';

  function num(fig, key, fallback) {
    var v = fig.getAttribute('data-' + key);
    return v === null ? fallback : Number(v);
  }

  function tokens(body, main) {
    var list = GPT2X.el('ol', { 'class': 'token-list' });
    main.tokens.forEach(function (id, position) {
      var v = main.vocab[String(id)] || {};
      var chip = GPT2X.el('span', { 'class': 'token' + (v.partial ? ' partial' : '') + (v.special ? ' special' : ''),
        'data-position': String(position), 'data-id': String(id) });
      chip.appendChild(GPT2X.el('span', { 'class': 'tok-text' }, GPT2X.token(main, id)));
      chip.appendChild(GPT2X.el('span', { 'class': 'tok-id' }, String(id)));
      chip.appendChild(GPT2X.el('span', { 'class': 'tok-bytes' }, v.bytes || ''));
      var li = GPT2X.el('li');
      li.appendChild(chip);
      list.appendChild(li);
    });
    body.appendChild(list);
    return Promise.resolve();
  }

  function attention(body, main, fig) {
    var view = GPT2X.views.attention;
    var layer = num(fig, 'layer', 0), head = num(fig, 'head', 0);
    var steps = fig.getAttribute('data-steps') === '1';
    return GPT2X.load(GPT2X.data.attention(main.promptId, layer)).then(function (raw) {
      var data = { shape: raw['attn.softmax'].shape };
      view.stages.forEach(function (s) { data[s] = GPT2X.decode(raw[s]); });
      var box = GPT2X.el('div', { 'class': 'attn-stages' + (steps ? ' expanded' : '') });
      body.appendChild(box);
      var stages = steps ? view.stages : ['attn.softmax'];
      stages.forEach(function (stage, i) {
        view.drawPanel(box, main, data, layer, head, stage, !steps);
        if (steps && i < stages.length - 1) {
          box.appendChild(GPT2X.el('div', { 'class': 'attn-arrow', 'aria-hidden': 'true' }, GPT2X.t('attention.arrow.' + i)));
        }
      });
    });
  }

  /** One of the block's operation views, given what the block pipeline gives it (block.js). */
  function operation(name) {
    return function (body, main, fig) {
      var layer = num(fig, 'layer', 0);
      return Promise.all([GPT2X.depth.layer(main, layer), GPT2X.depth.streamIn(main, layer)]).then(function (got) {
        var host = GPT2X.el('div', { 'class': 'op-view' });
        body.appendChild(host);
        return GPT2X.views[name].render(host, main, { layer: layer, ln: fig.getAttribute('data-ln') || '1',
          head: num(fig, 'head', 0), data: got[0], streamIn: got[1] });
      });
    };
  }

  function nextToken(body, main, fig) {
    var logits = GPT2X.decode(main.next.logits);
    var settings = { t: num(fig, 't', 1), k: num(fig, 'k', 0), p: num(fig, 'p', 1) };
    var scroll = GPT2X.el('div', { 'class': 'table-scroll scroll-x', tabindex: '0', role: 'region',
      'aria-label': GPT2X.t('section.nexttoken') });
    var table = GPT2X.el('table', { 'class': 'dist' });
    var head = GPT2X.el('tr');
    [['#', 'col-secondary'], [GPT2X.t('table.token')], [GPT2X.t('table.id'), 'col-secondary'], [GPT2X.t('table.logit')],
      [GPT2X.t('table.scaled'), 'col-secondary'], [GPT2X.t('table.filter'), 'col-secondary'],
      [GPT2X.t('table.probability'), 'bar-head'], ['']].forEach(function (c) {
      head.appendChild(GPT2X.el('th', c[1] ? { 'class': c[1] } : null, c[0]));
    });
    var thead = GPT2X.el('thead');
    thead.appendChild(head);
    var rows = GPT2X.el('tbody');
    table.appendChild(thead);
    table.appendChild(rows);
    scroll.appendChild(table);
    var summary = GPT2X.el('p', { 'class': 'hint' });
    body.appendChild(scroll);
    body.appendChild(summary);
    GPT2X.views.nexttoken.fill(rows, summary, main, logits, settings);
    return Promise.resolve();
  }

  var DRAW = {
    tokens: tokens,
    attention: attention,
    embedding: function (body, main) {
      var host = GPT2X.el('div', { 'class': 'op-view' });
      body.appendChild(host);
      return GPT2X.views.embedding.render(host, main);
    },
    layernorm: operation('layernorm'),
    qkv: operation('qkv'),
    mlp: operation('mlp'),
    residual: operation('residual'),
    'next-token': nextToken
  };

  function draw(fig) {
    var body = fig.querySelector('.figure-body');
    var status = body.querySelector('.figure-status');
    var kind = fig.getAttribute('data-figure');
    function failed(err) {
      fig.setAttribute('data-state', 'failed');
      status.textContent = GPT2X.t('figure.failed', { error: err && err.message ? err.message : String(err) });
    }
    if (!DRAW[kind]) {
      failed(new Error(kind));
      return Promise.resolve();
    }
    return GPT2X.load(GPT2X.data.main(fig.getAttribute('data-prompt'))).then(function (main) {
      return DRAW[kind](body, main, fig);
    }).then(function () {
      status.remove();
      fig.setAttribute('data-state', 'drawn');
    }).catch(failed);
  }

  GPT2X.view('page:chapter', {
    init: function () {
      var figures = Array.prototype.slice.call(document.querySelectorAll('figure.live-figure'));
      // one after the other: figures of the same prompt share its data files, loaded once
      figures.reduce(function (previous, fig) {
        return previous.then(function () { return draw(fig); });
      }, Promise.resolve()).then(function () { document.body.classList.add('ready'); });
    }
  });
}(window.GPT2X));
