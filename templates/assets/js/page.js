/*
 * Boots a page once every deferred script has run: starts the router, then the page's own script if it has
 * one (view 'page:<kind>', e.g. the comparison page), or, on a prompt page, each view with the prompt's main
 * data, and scrolls to the section named by the `view` state. A view whose init returns a Promise (it draws
 * from a data part loaded on demand) holds back the body's 'ready' class until it settles.
 */
(function (GPT2X) {
  'use strict';

  /** The registered views of a prompt page (every view but 'page:<kind>'), in registration (script) order. */
  function promptViews() {
    return GPT2X.viewNames().filter(function (name) { return name.indexOf('page:') !== 0; });
  }

  /** The section a router `view` value scrolls to: a view answers to its name and its section's id. */
  function sectionOf(viewValue) {
    var found = null;
    promptViews().forEach(function (name) {
      var section = GPT2X.views[name].section;
      if (!found && (viewValue === name || viewValue === section)) { found = section; }
    });
    return found;
  }

  /**
   * The section nav of a prompt page, made from the sections present: one link per <section class="panel">
   * with an id, in page order, labelled with the section's heading, going to #view=<section id> (the router
   * scrolls there). A new view's section appears here without an edit anywhere else.
   */
  function fillSectionNav() {
    var nav = document.querySelector('nav.section-nav');
    if (!nav) { return; }
    nav.textContent = '';
    Array.prototype.forEach.call(document.querySelectorAll('main section.panel[id]'), function (section) {
      var heading = section.querySelector('h2');
      if (!heading) { return; }
      nav.appendChild(GPT2X.el('a', { href: '#view=' + section.id }, heading.textContent));
    });
  }

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
    fillSectionNav();
    GPT2X.highlight.start();
    var mainPart = GPT2X.data.main(document.body.getAttribute('data-prompt'));
    var main = GPT2X.get(mainPart.key);
    if (!main) {
      GPT2X.fail('overview', new Error(GPT2X.t('error.load', { file: mainPart.path })));
      return;
    }
    // Which views started, for the tests and for anyone debugging a page: name -> 'ready' | 'failed'.
    GPT2X.started = {};
    var drawing = [];   // views whose init returned a Promise: drawn once their data part has arrived
    promptViews().forEach(function (name) {
      var view = GPT2X.views[name];
      try {
        var drawn = view.init(main);
        if (drawn && drawn.then) { drawing.push(drawn); }
        GPT2X.started[name] = 'ready';
      } catch (err) {
        GPT2X.started[name] = 'failed';
        GPT2X.fail(view.section, err);
      }
    });
    if (GPT2X.tour) { // the guided tour (tour.js) drives the views, so it starts after them
      try { GPT2X.tour.start(main); } catch (err) { GPT2X.fail('main', err); }
    }
    var lastView = GPT2X.router.get('view');
    function scroll(state) {
      var v = state.view;
      if (v && sectionOf(v) && v !== lastView) {
        GPT2X.scrollToSection(sectionOf(v));
      }
      lastView = v;
    }
    GPT2X.router.listen(scroll);
    if (lastView && sectionOf(lastView)) {
      lastView = undefined;
      scroll({ view: GPT2X.router.get('view') });
    }
    // 'ready' once every view has drawn (a view whose data failed to load shows the error instead)
    Promise.all(drawing.map(function (p) { return p.catch(function () {}); })).then(function () {
      document.body.classList.add('ready');
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', boot);
  } else {
    boot();
  }
}(window.GPT2X));
