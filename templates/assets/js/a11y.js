/*
 * Accessibility helpers every view uses (loaded on every page, after core.js):
 *   GPT2X.a11y.dataTable(container, spec)   a "Data table" <details> holding the chart's numbers as a <table>
 *   GPT2X.a11y.chart(svg, label, details, interactive)   names an SVG chart and points it at its data table
 *   GPT2X.a11y.focusable(node, label, onActivate)   a keyboard-operable button made of any element (SVG too)
 *   GPT2X.a11y.grid(cells, rows, cols, onFocus)   one tab stop for a grid of cells, arrow keys move within it
 *   GPT2X.a11y.scrollBox(element, label)   a wide chart or table scrolls inside itself, reachable by keyboard
 * See templates/README.md, "Accessibility".
 */
(function (GPT2X) {
  'use strict';

  var counter = 0;

  function uid(prefix) {
    counter += 1;
    return prefix + '-' + counter;
  }

  GPT2X.a11y = {
    /**
     * Puts a collapsed "Data table" (a <details> with a <table>) into `container`, replacing the one with the
     * same `spec.id` if present. spec: {id?, caption, columns: [header text], rows: [[cell text]],
     * rowHeaders: true when the first cell of each row names it}. Returns the <details> element (its id is
     * what chart() puts in aria-details).
     */
    dataTable: function (container, spec) {
      var id = spec.id || uid('data-table');
      var old = document.getElementById(id);
      var details = GPT2X.el('details', { 'class': 'data-table', id: id });
      details.appendChild(GPT2X.el('summary', null, GPT2X.t('a11y.dataTable') + ': ' + spec.caption));
      var scroll = GPT2X.el('div', { 'class': 'table-scroll' });
      var table = GPT2X.el('table', { 'class': 'data' });
      table.appendChild(GPT2X.el('caption', null, spec.caption));
      var head = GPT2X.el('thead');
      var hr = GPT2X.el('tr');
      spec.columns.forEach(function (c) { hr.appendChild(GPT2X.el('th', { scope: 'col' }, c)); });
      head.appendChild(hr);
      table.appendChild(head);
      var body = GPT2X.el('tbody');
      spec.rows.forEach(function (row) {
        var tr = GPT2X.el('tr');
        row.forEach(function (cell, i) {
          var th = i === 0 && spec.rowHeaders;
          tr.appendChild(GPT2X.el(th ? 'th' : 'td', th ? { scope: 'row' } : { 'class': typeof cell === 'number' ? 'num' : '' },
            typeof cell === 'number' ? GPT2X.num(cell, 4) : cell));
        });
        body.appendChild(tr);
      });
      table.appendChild(body);
      scroll.appendChild(table);
      details.appendChild(scroll);
      if (old && old.parentNode) { old.parentNode.replaceChild(details, old); } else { container.appendChild(details); }
      GPT2X.a11y.scrollBox(scroll, spec.caption);
      return details;
    },

    /**
     * Names an SVG chart and links it to its data table. A chart whose parts are focusable controls is a
     * labelled group (an image may not contain controls); a picture-only chart is an image.
     */
    chart: function (svg, label, details, interactive) {
      svg.setAttribute('role', interactive ? 'group' : 'img');
      svg.setAttribute('aria-label', label);
      if (details) { svg.setAttribute('aria-details', details.id); }
      svg.setAttribute('focusable', 'false');
      return svg;
    },

    /** Makes `node` (any element, SVG too) a button: Tab reaches it, Enter and Space activate it. */
    focusable: function (node, label, onActivate) {
      node.setAttribute('tabindex', '0');
      node.setAttribute('role', 'button');
      node.setAttribute('aria-label', label);
      node.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onActivate(e);
        }
      });
      node.addEventListener('click', onActivate);
      return node;
    },

    /**
     * A roving tab stop over `cells` (row-major, rows x cols elements): only one cell is in the tab order;
     * the arrow keys, Home and End move focus within the grid. onFocus(row, col) runs on every move (and
     * on focus), e.g. to highlight what the cell relates to. Each cell should carry an aria-label.
     */
    grid: function (cells, rows, cols, onFocus) {
      var current = 0;
      function move(to, focus) {
        if (to < 0 || to >= cells.length) { return; }
        cells[current].setAttribute('tabindex', '-1');
        current = to;
        cells[current].setAttribute('tabindex', '0');
        if (focus) { cells[current].focus(); }
      }
      cells.forEach(function (cell, i) {
        cell.setAttribute('tabindex', i === 0 ? '0' : '-1');
        cell.addEventListener('focus', function () {
          move(i, false);
          if (onFocus) { onFocus(Math.floor(i / cols), i % cols); }
        });
        cell.addEventListener('keydown', function (e) {
          var r = Math.floor(current / cols), c = current % cols;
          var to = { ArrowRight: c < cols - 1 ? current + 1 : -1, ArrowLeft: c > 0 ? current - 1 : -1,
            ArrowDown: r < rows - 1 ? current + cols : -1, ArrowUp: r > 0 ? current - cols : -1,
            Home: r * cols, End: r * cols + cols - 1 }[e.key];
          if (to === undefined) { return; }
          e.preventDefault();
          move(to, true);
        });
      });
    },

    /**
     * A container whose content may be wider than a phone: it scrolls sideways by itself (never the page),
     * and is focusable and named so a keyboard user can scroll it too.
     */
    scrollBox: function (element, label, hint) {
      if (hint && element.parentNode) {
        // Shown on narrow screens only (CSS): the chart keeps a readable size and scrolls sideways.
        element.parentNode.insertBefore(GPT2X.el('p', { 'class': 'scroll-hint', 'aria-hidden': 'true' },
          GPT2X.t('a11y.scroll')), element);
      }
      element.classList.add('scroll-x');
      element.setAttribute('tabindex', '0');
      element.setAttribute('role', 'region');
      element.setAttribute('aria-label', label);
      return element;
    }
  };

}(window.GPT2X));
