package io.github.gpt2explainer.site;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.gpt2explainer.insight.DirectLogitAttribution;
import io.github.gpt2explainer.insight.Insight;
import io.github.gpt2explainer.insight.InputAttribution;

/**
 * The payload of {@code data/<id>/insight.js} ({@link SiteLayout#insightData}): a run's {@link Insight} as plain
 * JSON numbers (float32, as Jackson writes floats; few enough that base64 would save nothing). Its fields are the
 * shared contract of the insight views (templates/README.md, "insight.js"):
 * <pre>
 * {format, position: T-1,
 *  dla: {sigma, candidates: [{id, logit, embed, attn[L], attnBias[L], attnHeads[L][H], mlp[L], lnfBias}]},
 *  attribution: null | {method: "occlusion", neutralId, target, logProb, occlusion[T], share[T]}}
 * </pre>
 */
final class InsightData {

    /** Bump when a field changes meaning. */
    static final int FORMAT = 1;

    private InsightData() {
    }

    /**
     * @param insight    the run's insight
     * @param lastLogits [V] the last prompt position's logits, for each candidate's {@code logit}
     * @param tokens     T, the prompt's length
     * @param promptId   for messages
     */
    static ObjectNode of(Insight insight, float[] lastLogits, int tokens, String promptId) {
        ObjectNode root = DataCodec.nodes().objectNode();
        root.put("format", FORMAT);
        root.put("position", tokens - 1);
        ObjectNode dla = root.putObject("dla");
        dla.put("sigma", finite(insight.predicted().sigma(), "dla.sigma", promptId));
        ArrayNode candidates = dla.putArray("candidates");
        for (DirectLogitAttribution d : insight.candidates()) {
            ObjectNode c = candidates.addObject();
            c.put("id", d.target());
            c.put("logit", finite(lastLogits[(int) d.target()], "logit", promptId));
            c.put("embed", finite(d.embed(), "embed", promptId));
            c.set("attn", floats(d.attn(), "attn", promptId));
            c.set("attnBias", floats(d.attnBias(), "attnBias", promptId));
            ArrayNode heads = c.putArray("attnHeads");
            for (double[] layer : d.attnHeads()) {
                heads.add(floats(layer, "attnHeads", promptId));
            }
            c.set("mlp", floats(d.mlp(), "mlp", promptId));
            c.put("lnfBias", finite(d.lnFBias(), "lnfBias", promptId));
        }
        InputAttribution a = insight.attribution();
        if (a == null) {
            root.putNull("attribution");
        } else {
            ObjectNode attribution = root.putObject("attribution");
            attribution.put("method", "occlusion");
            attribution.put("neutralId", a.neutral());
            attribution.put("target", a.target());
            attribution.put("logProb", finite(a.baseline(), "logProb", promptId));
            attribution.set("occlusion", floats(a.occlusion(), "occlusion", promptId));
            attribution.set("share", floats(a.shares(), "share", promptId));
        }
        return root;
    }

    private static ArrayNode floats(double[] values, String what, String promptId) {
        ArrayNode out = DataCodec.nodes().arrayNode();
        for (double v : values) {
            out.add(finite(v, what, promptId));
        }
        return out;
    }

    /** The value as float32; JSON has no NaN or infinity, so a non-finite one is an error naming it. */
    private static float finite(double value, String what, String promptId) {
        float f = (float) value;
        if (!Float.isFinite(f)) {
            throw new IllegalArgumentException("prompt " + promptId + ": the insight's " + what + " is " + f
                    + "; the run's attribution cannot be shown");
        }
        return f;
    }
}
