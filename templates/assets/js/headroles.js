/*
 * The "meet the heads" page: colours each role's heat map (a table of every head's score, row = layer,
 * column = head) on the site's sequential weight map and puts a legend with numbers beside it. The numbers
 * themselves are in the page (the cells and the data table); this script only adds the colour.
 */
(function (GPT2X) {
  'use strict';

  GPT2X.view('page:heads', {
    init: function () {
      document.querySelectorAll('table.hr-map').forEach(function (table) {
        table.querySelectorAll('td[data-value]').forEach(function (td) {
          var rgb = GPT2X.palette.weightRgb(Number(td.getAttribute('data-value')));
          td.style.backgroundColor = GPT2X.palette.css(rgb);
          td.style.color = GPT2X.palette.textOn(rgb);
        });
        var box = table.closest('.hr-chart').querySelector('.hr-legend');
        box.appendChild(GPT2X.palette.legend({ kind: 'weight', lo: 0, hi: 1, caption: GPT2X.t('roles.legend')}));
      });
    }
  });
}(window.GPT2X));
