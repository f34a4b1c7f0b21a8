/*
 * Boots a page once every deferred script has run: starts the router, then the page's own script if it has
 * one (view 'page:<kind>', e.g. the comparison page), or, on a prompt page, each view with the prompt's main
 * data, and scrolls to the section named by the `view` state.
 */
(function (GPT2X) {
  'use strict';

  var ORDER = ['tokens', 'sankey-overview', 'attention', 'nexttoken', 'generation',
    'block', 'embedding', 'layernorm', 'qkv', 'mlp', 'residual'];
  var SECTIONS = { overview: 'overview', tokens: 'tokens', attention: 'attention', 'next-token': 'next-token', generation: 'generation',
    block: 'inside', embedding: 'inside', layernorm: 'inside', qkv: 'inside', mlp: 'inside', residual: 'inside' };
  // depth views: view name = section id = router `view` value
  ['heads', 'flow', 'lens', 'probsankey'].forEach(function (name) { ORDER.push(name); SECTIONS[name] = name; });

  var SETTLE_MS = 3000;

  /**
   * Scrolls a section to the top and keeps it there while lazily drawn content above or inside it changes
   * the layout (a layer file arriving, a chart being drawn), until the reader scrolls, clicks or types, or
   * SETTLE_MS have passed.
   */
  GPT2X.scrollToSection = function (id) {
    var target = document.getElementById(id);
    if (!target || !target.scrollIntoView) { return; }
    target.scrollIntoView({ block: 'start' });
    if (!window.ResizeObserver) { return; }
    var events = ['wheel', 'keydown', 'pointerdown', 'touchstart'];
    var observer = new window.ResizeObserver(function () { target.scrollIntoView({ block: 'start' }); });
    function quit() {
      observer.disconnect();
      events.forEach(function (e) { window.removeEventListener(e, quit, true); });
    }
    events.forEach(function (e) { window.addEventListener(e, quit, true); });
    observer.observe(document.body);
    window.setTimeout(quit, SETTLE_MS);
  };

  function boot() {
    GPT2X.router.start();
    var kind = document.body.getAttribute('data-page');
    // A page kind other than prompt may have one script of its own, registered as view 'page:<kind>'.
    if (GPT2X.views['page:' + kind]) {
      try {
        GPT2X.views['page:' + kind].init();
      } catch (err) {
        GPT2X.fail('main', err);
      }
    }
    if (kind !== 'prompt') { return; }
    var id = document.body.getAttribute('data-prompt');
    var main = GPT2X.get(id + '/main');
    if (!main) {
      GPT2X.fail('overview', new Error(GPT2X.t('error.load', { file: 'data/' + id + '/main.js' })));
      return;
    }
    ORDER.forEach(function (name) {
      try {
        GPT2X.views[name].init(main);
      } catch (err) {
        GPT2X.fail(name === 'sankey-overview' ? 'overview' : name === 'nexttoken' ? 'next-token' : SECTIONS[name] || name, err);
      }
    });
    var lastView = GPT2X.router.get('view');
    function scroll(state) {
      var v = state.view;
      if (v && SECTIONS[v] && v !== lastView) {
        GPT2X.scrollToSection(SECTIONS[v]);
      }
      lastView = v;
    }
    GPT2X.router.listen(scroll);
    if (lastView && SECTIONS[lastView]) {
      lastView = undefined;
      scroll({ view: GPT2X.router.get('view') });
    }
    document.body.classList.add('ready');
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', boot);
  } else {
    boot();
  }
}(window.GPT2X));
