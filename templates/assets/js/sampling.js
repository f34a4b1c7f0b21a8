/*
 * Next-token sampling math, the same definition as the generator's Java Sampler, over the full
 * vocabulary in double precision (JavaScript numbers are doubles; the f16 logits are exact in them):
 *   1. T == 0 is greedy: the highest logit (lowest id on ties) gets probability 1.
 *   2. otherwise weights exp((logit - max) / T), i.e. softmax(logits / T) with the maximum subtracted;
 *   3. top-k (k > 0) keeps every token whose logit is >= the k-th largest (ties with the k-th all stay);
 *   4. top-p (p < 1) over the kept tokens, renormalised: ascending by logit (higher id first on ties),
 *      remove each token while the cumulative probability is <= 1 - p; the most likely always stays;
 *   5. probabilities are the kept weights over their sum (accumulated in id order).
 * Unlike explainers that renormalise over their top 50 tokens only, every one of the V tokens counts.
 */
(function (GPT2X) {
  'use strict';

  function argmax(logits) {
    var best = 0;
    for (var i = 1; i < logits.length; i++) { if (logits[i] > logits[best]) { best = i; } }
    return best;
  }

  function kthLargest(logits, k) {
    var sorted = Float64Array.from(logits).sort();
    return sorted[sorted.length - k];
  }

  /**
   * @return {{probs: Float64Array, kept: Uint8Array, keptCount: number, argmax: number}}
   */
  function distribution(logits, temperature, topK, topP) {
    var V = logits.length;
    var best = argmax(logits);
    var weights = new Float64Array(V);
    var kept = new Uint8Array(V);
    var keptCount;
    if (temperature === 0) {
      kept[best] = 1;
      weights[best] = 1;
      keptCount = 1;
    } else {
      var i;
      kept.fill(1);
      if (topK > 0 && topK < V) {
        var kth = kthLargest(logits, topK);
        for (i = 0; i < V; i++) { kept[i] = logits[i] >= kth ? 1 : 0; }
      }
      var max = logits[best];
      for (i = 0; i < V; i++) { weights[i] = kept[i] ? Math.exp((logits[i] - max) / temperature) : 0; }
      if (topP < 1) { applyTopP(logits, weights, kept, topP); }
      keptCount = 0;
      for (i = 0; i < V; i++) { keptCount += kept[i]; }
    }
    var total = 0;
    for (var j = 0; j < V; j++) { total += weights[j]; }
    var probs = new Float64Array(V);
    for (var m = 0; m < V; m++) { probs[m] = weights[m] / total; }
    return { probs: probs, kept: kept, keptCount: keptCount, argmax: best };
  }

  function applyTopP(logits, weights, kept, topP) {
    var order = [];
    var keptTotal = 0;
    for (var id = 0; id < logits.length; id++) {
      if (kept[id]) { order.push(id); keptTotal += weights[id]; }
    }
    order.sort(function (a, b) { return logits[a] - logits[b] || b - a; });
    var removeAtOrBelow = 1 - topP;
    var cumulative = 0;
    for (var i = 0; i < order.length - 1; i++) {
      var t = order[i];
      cumulative += weights[t] / keptTotal;
      if (cumulative > removeAtOrBelow) { break; }
      kept[t] = 0;
      weights[t] = 0;
    }
  }

  GPT2X.sampling = { distribution: distribution, argmax: argmax };
}(window.GPT2X));
