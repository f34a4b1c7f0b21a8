/*
 * "Which input tokens mattered": input attribution by occlusion (data/<id>/insight.js, `attribution`). Each
 * prompt token was replaced, one at a time, by a neutral token and the drop of the temperature-0 pick's
 * log-probability is its part, in nats (docs/insight.md names the method's caveats; the section lists them).
 * The tokens are coloured on the diverging scale by `share` (occlusion / sum of |occlusion|, one limit: the
 * largest |share|), each shows its occlusion, the readout (hover, tap, keyboard focus) gives both, and a data
 * table holds every value. When the site was built without attribution (`attribution` null), it says so.
 */
(function (GPT2X) {
  'use strict';

  function signed(x, digits) {
    return (x > 0 ? '+' : '') + GPT2X.num(x, digits || 3);
  }

  GPT2X.view('attribution', {
    section: 'attribution',
    init: function (main) {
      var box = document.getElementById('attr-tokens');
      var summary = document.getElementById('attr-summary');
      var readout = document.getElementById('attr-readout');
      var status = document.getElementById('attr-status');
      status.textContent = GPT2X.t('dla.loading');
      GPT2X.load(GPT2X.data.insight(main.promptId)).then(function (insight) {
        status.textContent = '';
        var a = insight.attribution;
        if (!a) {
          document.getElementById('attribution').classList.add('attr-off');
          summary.textContent = GPT2X.t('attr.off');
          return;
        }
        draw(main, a, box, summary, readout);
      }).catch(function (err) { status.textContent = ''; GPT2X.fail('attribution', err); });
    }
  });

  function draw(main, a, box, summary, readout) {
    var target = GPT2X.token(main, a.target);
    // The neutral token is GPT-2's end-of-text token (docs/insight.md); its display form when the run's
    // vocabulary subset does not hold it.
    var neutral = main.vocab[String(a.neutralId)] ? GPT2X.token(main, a.neutralId) : '<|endoftext|>';
    var limit = GPT2X.palette.sharedLimit([a.share]);
    var largest = 0;
    a.occlusion.forEach(function (v, i) { if (Math.abs(v) > Math.abs(a.occlusion[largest])) { largest = i; } });
    summary.textContent = GPT2X.t('attr.summary', { token: target, logProb: GPT2X.num(a.logProb, 4),
      p: GPT2X.percent(Math.exp(a.logProb)), neutral: neutral, id: a.neutralId });
    document.getElementById('attr-neutral').textContent = neutral;
    box.parentNode.insertBefore(GPT2X.palette.legend({ kind: 'signed', limit: limit, caption: GPT2X.t('attr.legend') }), box);
    var chips = [];
    main.tokens.forEach(function (id, i) {
      var rgb = GPT2X.palette.signedRgb(a.share[i], limit);
      var lines = function () {
        return [GPT2X.t('attr.position', { position: i, token: GPT2X.token(main, id) }),
          GPT2X.t('attr.readout', { value: signed(a.occlusion[i], 4), share: signed(a.share[i], 3), token: target })];
      };
      var b = GPT2X.el('button', { type: 'button', 'class': 'attr-token', 'data-position': String(i),
        'data-occlusion': String(a.occlusion[i]), 'data-share': String(a.share[i]),
        'aria-label': lines().join(': ') });
      b.style.background = GPT2X.palette.css(rgb);
      b.style.color = GPT2X.palette.textOn(rgb);
      b.appendChild(GPT2X.el('span', { 'class': 'tok' }, GPT2X.token(main, id)));
      b.appendChild(GPT2X.el('span', { 'class': 'attr-value' }, signed(a.occlusion[i], 2)));
      GPT2X.hoverTip(b, lines);
      function read() { readout.textContent = lines().join(': '); }
      b.addEventListener('mouseenter', read);
      b.addEventListener('focus', read);
      b.addEventListener('click', read);
      var li = GPT2X.el('li');
      li.appendChild(b);
      box.appendChild(li);
      chips.push(b);
    });
    readout.textContent = GPT2X.t('attr.largest', { position: largest, token: GPT2X.token(main, main.tokens[largest]),
      value: signed(a.occlusion[largest], 4) });
    GPT2X.a11y.dataTable(box.parentNode, { id: 'attr-data', caption: GPT2X.t('attr.caption', { token: target }), rowHeaders: true,
      columns: [GPT2X.t('attr.table.position'), GPT2X.t('table.token'), GPT2X.t('attr.table.occlusion'), GPT2X.t('attr.table.share')],
      rows: main.tokens.map(function (id, i) { return [String(i), GPT2X.token(main, id), a.occlusion[i], a.share[i]]; }) });
  }
}(window.GPT2X));
