/*
 * Generation view: the continuation at each precomputed temperature side by side (rendered by the page),
 * and a step-through: token by token, the step's most likely candidates with their probabilities under the
 * run's settings, the uniform draw u and the token it chose. All from main.js `generations`.
 */
(function (GPT2X) {
  'use strict';

  GPT2X.view('generation', {
    section: 'generation',
    init: function (main) {
      var gens = main.generations;
      if (!gens.length) { return; }
      var runSelect = document.getElementById('gen-run');
      var stepInput = document.getElementById('gen-step');
      var stepOut = document.getElementById('gen-step-value');
      var text = document.getElementById('gen-text');
      var body = document.getElementById('gen-rows');
      var drawBox = document.getElementById('gen-draw');
      var decoded = gens.map(function (g) {
        return { probability: GPT2X.decode(g.probability), draw: GPT2X.decode(g.draw),
          logits: GPT2X.decode(g.candidateLogits), probs: GPT2X.decode(g.candidateProbs),
          width: g.candidateLogits.shape[1] };
      });
      gens.forEach(function (g, i) {
        runSelect.appendChild(GPT2X.el('option', { value: String(i) }, g.temperature === 0
          ? GPT2X.t('generation.greedy') : GPT2X.t('generation.temperature', { t: g.temperature })));
      });

      function show() {
        var r = GPT2X.router.int('run', 0, 0, gens.length - 1);
        var g = gens[r], d = decoded[r];
        var n = g.tokenIds.length;
        var step = GPT2X.router.int('step', 0, 0, Math.max(0, n - 1));
        runSelect.value = String(r);
        stepInput.max = String(Math.max(0, n - 1));
        stepInput.value = String(step);
        stepOut.textContent = GPT2X.t('generation.step', { step: step + 1, steps: n });
        stepInput.setAttribute('aria-valuetext', stepOut.textContent);
        text.textContent = '';
        // Prompt and continuation decoded as one UTF-8 text: a character split over tokens shows as itself.
        var pieces = GPT2X.textPieces(main, main.tokens.concat(g.tokenIds));
        var P = main.tokens.length;
        pieces.forEach(function (piece, i) {
          var cls = i < P ? 'prompt-tok' : i - P < step ? 'gen-tok' : i - P === step ? 'gen-tok current' : 'gen-tok later';
          var span = GPT2X.el('span', { 'class': cls + (piece.fragment ? ' fragment' : '') }, piece.text);
          if (piece.fragment) { span.title = GPT2X.t('generation.fragment', { bytes: main.vocab[String((i < P ? main.tokens[i] : g.tokenIds[i - P]))].bytes }); }
          text.appendChild(span);
        });
        body.textContent = '';
        if (!n) { return; }
        var ids = g.candidateIds[step];
        ids.forEach(function (id, c) {
          var p = d.probs[step * d.width + c];
          var chosen = id === g.tokenIds[step];
          var tr = GPT2X.el('tr', { 'class': (chosen ? 'chosen ' : '') + (g.candidateKept[step][c] ? 'kept' : 'removed'),
            'data-id': String(id), tabindex: '0' });
          GPT2X.highlight.source(tr, 'candidate', id);
          tr.appendChild(GPT2X.el('td', { 'class': 'tok' }, GPT2X.token(main, id)));
          tr.appendChild(GPT2X.el('td', { 'class': 'id col-secondary' }, String(id)));
          tr.appendChild(GPT2X.el('td', { 'class': 'num col-secondary' }, GPT2X.num(d.logits[step * d.width + c], 4)));
          var barCell = GPT2X.el('td', { 'class': 'bar-cell' });
          barCell.appendChild(GPT2X.bar(p));
          tr.appendChild(barCell);
          tr.appendChild(GPT2X.el('td', { 'class': 'num prob' }, GPT2X.percent(p)));
          tr.appendChild(GPT2X.el('td', { 'class': 'mark' }, chosen ? GPT2X.t('generation.chosen') : ''));
          body.appendChild(tr);
        });
        if (ids.indexOf(g.tokenIds[step]) < 0) {
          // The drawn token can rank below the stored candidates (a flat distribution): show it after them.
          var id = g.tokenIds[step], p = d.probability[step];
          var tr = GPT2X.el('tr', { 'class': 'chosen kept extra', 'data-id': String(id), tabindex: '0' });
          GPT2X.highlight.source(tr, 'candidate', id);
          tr.appendChild(GPT2X.el('td', { 'class': 'tok' }, GPT2X.token(main, id)));
          tr.appendChild(GPT2X.el('td', { 'class': 'id col-secondary' }, String(id)));
          tr.appendChild(GPT2X.el('td', { 'class': 'num col-secondary' }, '\u2013'));
          var barCell = GPT2X.el('td', { 'class': 'bar-cell' });
          barCell.appendChild(GPT2X.bar(p));
          tr.appendChild(barCell);
          tr.appendChild(GPT2X.el('td', { 'class': 'num prob' }, GPT2X.percent(p)));
          tr.appendChild(GPT2X.el('td', { 'class': 'mark' }, GPT2X.t('generation.chosen')));
          body.appendChild(tr);
        }
        light();
        drawBox.textContent = g.temperature === 0
          ? GPT2X.t('generation.draw.greedy', { token: GPT2X.token(main, g.tokenIds[step]) })
          : GPT2X.t('generation.draw', { u: GPT2X.num(d.draw[step], 4), token: GPT2X.token(main, g.tokenIds[step]),
            p: GPT2X.percent(d.probability[step]) });
      }

      /** Linked highlighting (core.js): the lit candidate's row in the step table. */
      function light() {
        var cand = GPT2X.highlight.lit('candidate');
        body.querySelectorAll('tr[data-id]').forEach(function (tr) {
          tr.classList.toggle('lit', Number(tr.getAttribute('data-id')) === cand);
        });
      }
      GPT2X.on('candidate', light);

      runSelect.addEventListener('change', function () { GPT2X.router.set({ run: runSelect.value, step: 0 }); });
      stepInput.addEventListener('input', function () { GPT2X.router.set({ step: stepInput.value }); });
      document.getElementById('gen-prev').addEventListener('click', function () {
        GPT2X.router.set({ step: Math.max(0, GPT2X.router.int('step', 0, 0, 1e9) - 1) });
      });
      document.getElementById('gen-next').addEventListener('click', function () {
        var r = GPT2X.router.int('run', 0, 0, gens.length - 1);
        GPT2X.router.set({ step: Math.min(gens[r].tokenIds.length - 1, GPT2X.router.int('step', 0, 0, 1e9) + 1) });
      });
      GPT2X.router.listen(show);
      show();
    }
  });
}(window.GPT2X));
