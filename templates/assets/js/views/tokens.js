/*
 * Tokens view: the prompt's tokens as the tokenizer split them (rendered by the page as chips with id and
 * bytes). Selecting a token makes it the query token of the attention view and the highlighted token
 * elsewhere (state key `token`).
 */
(function (GPT2X) {
  'use strict';

  GPT2X.view('tokens', {
    section: 'tokens',
    init: function (main) {
      var chips = Array.prototype.slice.call(document.querySelectorAll('#tokens .token[data-position]'));
      function show() {
        var selected = GPT2X.router.int('token', -1, -1, main.tokens.length - 1);
        chips.forEach(function (chip) {
          var on = Number(chip.getAttribute('data-position')) === selected;
          chip.classList.toggle('selected', on);
          chip.setAttribute('aria-pressed', on ? 'true' : 'false');
        });
      }
      // The chips are <button>s (prompt.ftlh): Tab reaches them, Enter and Space press them.
      chips.forEach(function (chip) {
        chip.addEventListener('click', function () {
          var p = Number(chip.getAttribute('data-position'));
          var current = GPT2X.router.int('token', -1, -1, main.tokens.length - 1);
          GPT2X.router.set({ token: current === p ? undefined : p });
        });
      });
      // Linked highlighting: hovering or focusing a chip lights its token in every view; the chip lights
      // whenever its token is lit, from whichever view.
      chips.forEach(function (chip) {
        GPT2X.highlight.source(chip, 'token', Number(chip.getAttribute('data-position')), { pick: false });
      });
      function light(position) {
        chips.forEach(function (chip) { chip.classList.toggle('lit', Number(chip.getAttribute('data-position')) === position); });
      }
      GPT2X.on('token', light);
      light(GPT2X.highlight.lit('token'));
      GPT2X.router.listen(show);
      show();
    }
  });
}(window.GPT2X));
