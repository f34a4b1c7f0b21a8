package io.github.gpt2explainer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Arrays;

/**
 * What the Jlama child process (bench-jlama, {@code JlamaForwardBench}) reported on its last stdout line.
 *
 * @param engine    e.g. "jlama 0.8.4"
 * @param java      the JVM version it ran on
 * @param threads   available processors in the child
 * @param tokens    prompt length
 * @param loadMs    model load time
 * @param forwardMs forward (prefill + last position's distribution) per repetition
 * @param topIds    the ten most probable next tokens, most probable first
 * @param topProbs  their probabilities
 */
public record JlamaResult(String engine, String java, int threads, int tokens, double loadMs, Samples forwardMs,
                          int[] topIds, double[] topProbs) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses the JSON line; throws naming the missing or malformed field. */
    public static JlamaResult parse(String line) {
        JsonNode root;
        try {
            root = JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalArgumentException("Jlama output is not JSON: " + abbreviate(line) + " (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("Jlama output is not a JSON object: " + abbreviate(line));
        }
        double[] forward = numbers(root, "forward_ms");
        if (forward.length == 0) {
            throw new IllegalArgumentException("Jlama output has an empty forward_ms: " + abbreviate(line));
        }
        double[] ids = numbers(root, "top_ids");
        double[] probs = numbers(root, "top_probs");
        if (ids.length != probs.length) {
            throw new IllegalArgumentException("Jlama output has " + ids.length + " top_ids but " + probs.length
                    + " top_probs");
        }
        return new JlamaResult(text(root, "engine"), text(root, "java"), (int) number(root, "threads"),
                (int) number(root, "tokens"), number(root, "load_ms"), new Samples(forward),
                Arrays.stream(ids).mapToInt(d -> (int) d).toArray(), probs);
    }

    private static JsonNode field(JsonNode root, String name) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException("Jlama output has no field '" + name + "'");
        }
        return node;
    }

    private static String text(JsonNode root, String name) {
        return field(root, name).asText();
    }

    private static double number(JsonNode root, String name) {
        JsonNode node = field(root, name);
        if (!node.isNumber()) {
            throw new IllegalArgumentException("Jlama output field '" + name + "' should be a number, found " + node);
        }
        return node.asDouble();
    }

    private static double[] numbers(JsonNode root, String name) {
        JsonNode node = field(root, name);
        if (!node.isArray()) {
            throw new IllegalArgumentException("Jlama output field '" + name + "' should be an array, found " + node);
        }
        double[] out = new double[node.size()];
        for (int i = 0; i < out.length; i++) {
            if (!node.get(i).isNumber()) {
                throw new IllegalArgumentException("Jlama output field '" + name + "'[" + i + "] should be a number, found "
                        + node.get(i));
            }
            out[i] = node.get(i).asDouble();
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
