/*
 * GPT2X.palette: the one colour language of the site. Every view takes its colours from here.
 *   category      Okabe & Ito (2008) colours for kinds of things (attention, MLP, stream, ...)
 *   role          the colour of each kind of data mark, by role (embedding, attention, MLP, ...); published to CSS
 *                 as var(--data-<role>) on the root element, so a legend swatch or bar drawn by a style sheet
 *                 takes the same colour as the marks the views draw (CSS keeps only the interface's own colours)
 *   weight(w)     sequential map for values in [0, 1] (attention weights, probabilities): cividis, pale at 0,
 *                 dark at 1, on the square root of w so small weights stay visible (the legend shows that); its
 *                 low end fades to near white, so a weight of 0 is pale, not the highlight's yellow
 *   signed(v, m)  diverging map for signed values: ColorBrewer PuOr, purple below 0, white at 0, orange
 *                 above, full colour at |v| >= m
 *   masked        cells that are -inf (future keys) are hatched, never a colour of the map
 *   legend(...)   the numbers beside every heat map: the range the colours stand for
 *   sharedLimit   one limit for panels that are added or compared, so the picture of a sum is true
 * Both maps are colour-blind safe (cividis: designed for it; PuOr: ColorBrewer's colour-blind-safe diverging
 * set) and need no d3, so the comparison page uses them too.
 */
(function (GPT2X) {
  'use strict';

  var SVG = 'http://www.w3.org/2000/svg';

  // ColorBrewer PuOr (11 classes), from purple (-1) through white (0) to orange (+1).
  var PUOR = ['#2d004b', '#542788', '#8073ac', '#b2abd2', '#d8daeb', '#f7f7f7', '#fee0b6', '#fdb863', '#e08214', '#b35806', '#7f3b08'];
  var PUOR_RGB = PUOR.map(function (hex) {
    return [1, 3, 5].map(function (i) { return parseInt(hex.slice(i, i + 2), 16); });
  });

  function clamp(x, lo, hi) { return Math.max(lo, Math.min(hi, x)); }

  /** cividis(t), t in [0, 1] (0 dark blue, 1 yellow): d3-scale-chromatic's polynomial fit, as [r, g, b]. */
  function cividis(t) {
    t = clamp(t, 0, 1);
    function c(x) { return clamp(Math.round(x), 0, 255); }
    return [
      c(-4.54 - t * (35.34 - t * (2381.73 - t * (6402.7 - t * (7024.72 - t * 2710.57))))),
      c(32.49 + t * (170.73 + t * (52.82 - t * (131.46 - t * (176.58 - t * 67.37))))),
      c(81.24 + t * (442.36 - t * (2482.43 - t * (6167.24 - t * (6614.94 - t * 2475.67)))))
    ];
  }

  // Okabe & Ito (2008): eight colours told apart with every common colour-vision deficiency.
  var OKABE_ITO = { blue: '#0072B2', vermillion: '#D55E00', green: '#009E73', orange: '#E69F00', purple: '#CC79A7',
    sky: '#56B4E9', yellow: '#F0E442', grey: '#999999', black: '#000000' };

  var WEIGHT_FADE = 0.3;

  function css(rgb) { return 'rgb(' + rgb[0] + ',' + rgb[1] + ',' + rgb[2] + ')'; }

  var palette = {
    category: OKABE_ITO,

    /**
     * Data marks by role. The residual stream is grey in every view; in the overview its band of what pushes
     * the logit down is a darker grey than the band of what pushes it up.
     */
    role: {
      embed: OKABE_ITO.green, attn: OKABE_ITO.blue, mlp: OKABE_ITO.vermillion, lnf: OKABE_ITO.purple,
      stream: OKABE_ITO.grey, 'for': OKABE_ITO.grey, against: '#5b6470',
      source: OKABE_ITO.purple, candidate: OKABE_ITO.orange, rest: OKABE_ITO.grey,
      probability: OKABE_ITO.blue, chosen: OKABE_ITO.vermillion, removed: '#cfd5db', divider: '#1d232b',
      // a signed value drawn as a bar: the two sides of the diverging map (PuOr), as in the heat maps
      positive: PUOR[8], negative: PUOR[2]
    },

    /**
     * Weight or probability w in [0, 1] as [r, g, b]: 0 near white, then cividis from its yellow end to dark blue
     * at 1. Below sqrt(w) = FADE the colour is mixed with white (15% colour at 0), so lightness still falls
     * steadily with w, and an empty cell does not look lit (the highlight is yellow too).
     */
    weightRgb: function (w) {
      var s = Math.sqrt(clamp(w, 0, 1));
      var rgb = cividis(1 - 0.96 * s);
      var f = 0.15 + 0.85 * Math.min(1, s / WEIGHT_FADE);
      return rgb.map(function (c) { return Math.round(255 - (255 - c) * f); });
    },
    weight: function (w) { return css(palette.weightRgb(w)); },

    /** Signed v as [r, g, b] on PuOr with full colour at |v| >= limit (limit > 0). */
    signedRgb: function (v, limit) {
      var x = (clamp(v / (limit || 1), -1, 1) + 1) / 2 * (PUOR.length - 1);
      var i = Math.min(PUOR.length - 2, Math.floor(x)), f = x - i;
      var a = PUOR_RGB[i], b = PUOR_RGB[i + 1];
      return [0, 1, 2].map(function (k) { return Math.round(a[k] * (1 - f) + b[k] * f); });
    },
    signed: function (v, limit) { return css(palette.signedRgb(v, limit)); },

    /** The largest |value| over finite values of several arrays: one limit for panels shown together. */
    sharedLimit: function (arrays) {
      var m = 0;
      arrays.forEach(function (a) {
        for (var i = 0; i < a.length; i++) { if (isFinite(a[i])) { m = Math.max(m, Math.abs(a[i])); } }
      });
      return m > 0 ? m : 1;
    },

    /** [r, g, b] as a CSS colour: how every view turns a colour computed here into a fill or background. */
    css: css,

    /** True when white text reads better than black on the colour [r, g, b] (a dark cell). */
    isDark: function (rgb) { return palette.textOn(rgb) === '#ffffff'; },

    /** Black or white text, whichever has more contrast (WCAG) on the colour [r, g, b]. */
    textOn: function (rgb) {
      function lin(v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }
      var l = 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2]);
      return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
    },

    /** Parses '#rrggbb' or 'rgb(r,g,b)' into [r, g, b]. */
    rgb: function (colour) {
      if (colour.charAt(0) === '#') { return [1, 3, 5].map(function (i) { return parseInt(colour.slice(i, i + 2), 16); }); }
      return colour.replace(/[^\d,]/g, '').split(',').slice(0, 3).map(Number);
    },

    /**
     * The fill of a masked (-inf) cell in any SVG of the page: a hatch pattern defined once per document (in
     * a hidden SVG at the end of the body), so every chart refers to the same pattern id.
     */
    maskedFill: function () {
      var id = 'gpt2x-hatch';
      if (!document.getElementById(id)) {
        var holder = document.createElementNS(SVG, 'svg');
        [['width', '0'], ['height', '0'], ['aria-hidden', 'true'], ['focusable', 'false'], ['class', 'svg-defs']]
          .forEach(function (a) { holder.setAttribute(a[0], a[1]); });
        var defs = document.createElementNS(SVG, 'defs');
        var pattern = document.createElementNS(SVG, 'pattern');
        [['id', id], ['width', '6'], ['height', '6'], ['patternUnits', 'userSpaceOnUse'], ['patternTransform', 'rotate(45)']]
          .forEach(function (a) { pattern.setAttribute(a[0], a[1]); });
        var bg = document.createElementNS(SVG, 'rect');
        [['width', '6'], ['height', '6'], ['fill', '#ffffff']].forEach(function (a) { bg.setAttribute(a[0], a[1]); });
        var line = document.createElementNS(SVG, 'rect');
        [['width', '2'], ['height', '6'], ['fill', '#5b6470']].forEach(function (a) { line.setAttribute(a[0], a[1]); });
        pattern.appendChild(bg);
        pattern.appendChild(line);
        defs.appendChild(pattern);
        holder.appendChild(defs);
        document.body.appendChild(holder);
      }
      return 'url(#' + id + ')';
    },

    /** Hatches a masked cell on a canvas (the same look as maskedFill). */
    hatchCanvas: function (ctx, x, y, w, h) {
      ctx.save();
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(x, y, w, h);
      ctx.beginPath();
      ctx.rect(x, y, w, h);
      ctx.clip();
      ctx.strokeStyle = '#5b6470';
      ctx.lineWidth = 1.5;
      for (var d = -h; d < w; d += 4) {
        ctx.moveTo(x + d, y + h);
        ctx.lineTo(x + d + h, y);
      }
      ctx.stroke();
      ctx.restore();
    },

    /**
     * A legend with numbers: "lo [colour ramp] hi", for a 'weight' map (lo 0, hi 1 unless given) or a 'signed'
     * map (-limit .. +limit), plus a hatched "−∞" swatch when the map has masked cells, and a caption.
     * spec: {kind: 'weight'|'signed', limit, lo, hi, masked, caption, format}. Returns the element (class
     * scale-legend, data-kind, data-lo, data-hi), to be placed beside its heat map.
     */
    legend: function (spec) {
      var fmt = spec.format || function (x) { return GPT2X.num(x, 3); };
      var lo = spec.kind === 'signed' ? -spec.limit : (spec.lo === undefined ? 0 : spec.lo);
      var hi = spec.kind === 'signed' ? spec.limit : (spec.hi === undefined ? 1 : spec.hi);
      var box = GPT2X.el('div', { 'class': 'scale-legend', 'data-kind': spec.kind, 'data-lo': String(lo), 'data-hi': String(hi) });
      if (spec.caption) { box.appendChild(GPT2X.el('span', { 'class': 'legend-caption' }, spec.caption)); }
      box.appendChild(GPT2X.el('span', { 'class': 'num lo' }, spec.kind === 'signed' ? fmt(lo) : fmt(lo)));
      var ramp = GPT2X.el('canvas', { 'class': 'scale-bar', 'aria-hidden': 'true', width: '120', height: '1' });
      var ctx = ramp.getContext('2d');
      for (var x = 0; x < 120; x++) {
        var v = lo + (hi - lo) * (x + 0.5) / 120;
        ctx.fillStyle = spec.kind === 'signed' ? palette.signed(v, spec.limit) : palette.weight((v - lo) / ((hi - lo) || 1));
        ctx.fillRect(x, 0, 1, 1);
      }
      box.appendChild(ramp);
      box.appendChild(GPT2X.el('span', { 'class': 'num hi' }, (spec.kind === 'signed' && hi > 0 ? '+' : '') + fmt(hi)));
      if (spec.masked) {
        var swatch = GPT2X.el('canvas', { 'class': 'masked-swatch', 'aria-hidden': 'true', width: '14', height: '14' });
        palette.hatchCanvas(swatch.getContext('2d'), 0, 0, 14, 14);
        box.appendChild(swatch);
        box.appendChild(GPT2X.el('span', { 'class': 'masked-label' }, GPT2X.t('legend.masked')));
      }
      return box;
    }
  };

  // The roles as CSS custom properties (a CSSOM change, which the Content-Security-Policy allows).
  Object.keys(palette.role).forEach(function (name) {
    document.documentElement.style.setProperty('--data-' + name, palette.role[name]);
  });

  GPT2X.palette = palette;
}(window.GPT2X));
