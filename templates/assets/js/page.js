/*
 * Boots a page once every deferred script has run: starts the router, then, on a prompt page, starts each
 * view with the prompt's main data, and scrolls to the section named by the `view` state.
 */
(function (GPT2X) {
  'use strict';

  var ORDER = ['tokens', 'sankey-overview', 'attention', 'nexttoken', 'generation',
    'block', 'embedding', 'layernorm', 'qkv', 'mlp', 'residual'];
  var SECTIONS = { overview: 'overview', tokens: 'tokens', attention: 'attention', 'next-token': 'next-token', generation: 'generation',
    block: 'inside', embedding: 'inside', layernorm: 'inside', qkv: 'inside', mlp: 'inside', residual: 'inside' };
  // depth views: view name = section id = router `view` value
  ['heads', 'flow', 'lens', 'probsankey'].forEach(function (name) { ORDER.push(name); SECTIONS[name] = name; });

  function boot() {
    GPT2X.router.start();
    if (document.body.getAttribute('data-page') !== 'prompt') { return; }
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
        var target = document.getElementById(SECTIONS[v]);
        if (target && target.scrollIntoView) { target.scrollIntoView({ block: 'start' }); }
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
