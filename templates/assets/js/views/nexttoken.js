/*
 * Next-token view: logits -> ÷ temperature -> top-k / top-p -> softmax -> probabilities, as bars, for the
 * last prompt position. The controls recompute the distribution here in the browser, exactly over the full
 * vocabulary, from the stored logits (f16: the table shows those same values).
 */
(function (GPT2X) {
  'use strict';

  var ROWS = 12;

  /**
   * The distribution at settings s = {t, k, p}: the ROWS most likely of the stored top ids as table rows in
   * `body`, and the count of kept tokens in `summary`. Also draws the chapters' next-token figures (figures.js).
   */
  function fill(body, summary, main, logits, s) {
    var V = logits.length;
    var dist = GPT2X.sampling.distribution(logits, s.t, s.k, s.p);
    // Rank the stored top ids (the highest logits) by final probability, then logit, then id.
    var ids = main.next.topIds.slice().sort(function (a, b) {
      return (dist.probs[b] - dist.probs[a]) || (logits[b] - logits[a]) || (a - b);
    }).slice(0, ROWS);
    body.textContent = '';
    ids.forEach(function (id, rank) {
      var kept = dist.kept[id] === 1;
      var tr = GPT2X.el('tr', { 'data-id': String(id), 'class': kept ? 'kept' : 'removed' });
      tr.appendChild(GPT2X.el('td', { 'class': 'rank col-secondary' }, String(rank + 1)));
      tr.appendChild(GPT2X.el('td', { 'class': 'tok' }, GPT2X.token(main, id)));
      tr.appendChild(GPT2X.el('td', { 'class': 'id col-secondary' }, String(id)));
      tr.appendChild(GPT2X.el('td', { 'class': 'num logit' }, GPT2X.num(logits[id], 4)));
      tr.appendChild(GPT2X.el('td', { 'class': 'num scaled col-secondary' }, s.t === 0 ? '\u2013' : GPT2X.num(logits[id] / s.t, 4)));
      tr.appendChild(GPT2X.el('td', { 'class': 'keep col-secondary' }, GPT2X.t(kept ? 'nexttoken.kept' : 'nexttoken.removed')));
      var barCell = GPT2X.el('td', { 'class': 'bar-cell' });
      barCell.appendChild(GPT2X.bar(dist.probs[id]));
      tr.appendChild(barCell);
      tr.appendChild(GPT2X.el('td', { 'class': 'num prob' }, GPT2X.percent(dist.probs[id])));
      tr.setAttribute('tabindex', '0');
      GPT2X.highlight.source(tr, 'candidate', id);
      body.appendChild(tr);
    });
    var shown = 0;
    ids.forEach(function (id) { shown += dist.probs[id]; });
    summary.textContent = GPT2X.t('nexttoken.summary', {
      vocab: V.toLocaleString('en-US'), kept: dist.keptCount.toLocaleString('en-US'),
      rest: GPT2X.percent(Math.max(0, 1 - shown)) });
  }

  GPT2X.view('nexttoken', {
    section: 'next-token',
    fill: fill,
    init: function (main) {
      var section = document.getElementById('next-token');
      var tInput = document.getElementById('nt-temperature');
      var tOut = document.getElementById('nt-temperature-value');
      var kInput = document.getElementById('nt-topk');
      var pInput = document.getElementById('nt-topp');
      var pOut = document.getElementById('nt-topp-value');
      var body = document.getElementById('nt-rows');
      var summary = document.getElementById('nt-summary');
      var logits = GPT2X.decode(main.next.logits);
      var V = logits.length;
      var defaultK = section.getAttribute('data-topk') || '0';
      var defaultP = section.getAttribute('data-topp') || '1';

      function read() {
        return {
          t: Math.max(0, Math.min(2, parseFloat(GPT2X.router.get('t', '1')) || 0)),
          k: Math.max(0, Math.min(V, parseInt(GPT2X.router.get('k', defaultK), 10) || 0)),
          p: Math.max(0.01, Math.min(1, parseFloat(GPT2X.router.get('p', defaultP)) || 1))
        };
      }

      function show() {
        var s = read();
        tInput.value = String(s.t);
        tOut.textContent = s.t === 0 ? GPT2X.t('nexttoken.greedy') : s.t.toFixed(2);
        tInput.setAttribute('aria-valuetext', GPT2X.t('a11y.temperature', { t: tOut.textContent }));
        kInput.value = String(s.k);
        pInput.value = String(s.p);
        pOut.textContent = s.p.toFixed(2);
        pInput.setAttribute('aria-valuetext', GPT2X.t('a11y.topp', { p: pOut.textContent }));
        fill(body, summary, main, logits, s);
        light();
      }

      /** Linked highlighting (core.js): the lit candidate's row. */
      function light() {
        var cand = GPT2X.highlight.lit('candidate');
        body.querySelectorAll('tr[data-id]').forEach(function (tr) {
          tr.classList.toggle('lit', Number(tr.getAttribute('data-id')) === cand);
        });
      }
      GPT2X.on('candidate', light);

      tInput.addEventListener('input', function () { GPT2X.router.set({ t: tInput.value }); });
      kInput.addEventListener('input', function () { GPT2X.router.set({ k: kInput.value }); });
      pInput.addEventListener('input', function () { GPT2X.router.set({ p: pInput.value }); });
      document.getElementById('nt-reset').addEventListener('click', function () {
        GPT2X.router.set({ t: undefined, k: undefined, p: undefined });
      });
      GPT2X.router.listen(show);
      show();
    }
  });
}(window.GPT2X));
