package io.github.gpt2explainer.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Reads a Hugging Face GPT-2 {@code config.json}: {@code n_layer}, {@code n_head}, {@code n_embd},
 * {@code n_positions} (or the older {@code n_ctx}), {@code vocab_size}, {@code layer_norm_epsilon}
 * (default 1e-5). Other model types and GPT-2 variants this project's forward pass does not implement
 * (another activation, a non-4E MLP, inverse-layer attention scaling) are rejected with a clear message.
 */
public final class Gpt2ConfigReader {

    /** GPT-2's default when the key is absent. */
    public static final double DEFAULT_LAYER_NORM_EPSILON = 1e-5;

    private static final long MAX_CONFIG_BYTES = 10L * 1024 * 1024;
    private static final Set<String> TANH_GELU = Set.of("gelu_new", "gelu_pytorch_tanh");
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private Gpt2ConfigReader() {
    }

    public static Gpt2Config read(Path configJson) {
        String source = configJson.toString();
        if (Files.exists(configJson) && !Files.isRegularFile(configJson)) {
            throw new CheckpointException(source + ": expected a regular file, found a directory or special file");
        }
        try {
            if (Files.size(configJson) > MAX_CONFIG_BYTES) {
                throw new CheckpointException(source + ": larger than " + MAX_CONFIG_BYTES + " bytes; not a config file");
            }
            return parse(Files.readString(configJson), source);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(source + ": file not found; a Hugging Face GPT-2 directory needs config.json");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new CheckpointException(source + ": not valid UTF-8");
        } catch (IOException e) {
            throw new CheckpointException(source + ": cannot read: " + e);
        }
    }

    /** Parses config JSON text; {@code source} names it in messages (usually the path of config.json). */
    public static Gpt2Config parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CheckpointException(source + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(source + ": expected a JSON object, found "
                    + (root == null || root.isMissingNode() ? "nothing" : root.getNodeType()));
        }
        checkSupportedVariant(root, source);
        int layers = positiveInt(root, "n_layer", source);
        int heads = positiveInt(root, "n_head", source);
        int width = positiveInt(root, "n_embd", source);
        int positions = root.hasNonNull("n_positions") ? positiveInt(root, "n_positions", source)
                : positiveInt(root, "n_ctx", source);
        int vocab = positiveInt(root, "vocab_size", source);
        double epsilon = DEFAULT_LAYER_NORM_EPSILON;
        JsonNode eps = root.get("layer_norm_epsilon");
        if (eps != null && !eps.isNull()) {
            if (!eps.isNumber() || !(eps.doubleValue() > 0) || !Double.isFinite(eps.doubleValue())) {
                throw new CheckpointException(source + ": layer_norm_epsilon must be a positive number, found " + eps);
            }
            epsilon = eps.doubleValue();
        }
        JsonNode inner = root.get("n_inner");
        if (inner != null && !inner.isNull() && !(inner.canConvertToInt() && inner.isIntegralNumber()
                && inner.intValue() == 4L * width)) {
            throw new CheckpointException(source + ": n_inner must be null or 4 * n_embd = " + (4L * width)
                    + " (GPT-2's MLP width), found " + inner);
        }
        try {
            return new Gpt2Config(vocab, positions, width, layers, heads, epsilon);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source + ": " + e.getMessage());
        }
    }

    private static void checkSupportedVariant(JsonNode root, String source) {
        JsonNode type = root.get("model_type");
        if (type != null && !type.isNull() && !"gpt2".equals(type.asText())) {
            throw new CheckpointException(source + ": model_type is \"" + type.asText()
                    + "\", expected \"gpt2\"; only GPT-2 checkpoints are supported");
        }
        JsonNode activation = root.get("activation_function");
        if (activation != null && !activation.isNull() && !TANH_GELU.contains(activation.asText())) {
            throw new CheckpointException(source + ": activation_function is \"" + activation.asText()
                    + "\", expected \"gelu_new\" (GPT-2's tanh GELU)");
        }
        JsonNode inverseScaling = root.get("scale_attn_by_inverse_layer_idx");
        if (inverseScaling != null && inverseScaling.asBoolean(false)) {
            throw new CheckpointException(source + ": scale_attn_by_inverse_layer_idx is true, expected false;"
                    + " that attention variant is not supported");
        }
        JsonNode scaleWeights = root.get("scale_attn_weights");
        if (scaleWeights != null && scaleWeights.isBoolean() && !scaleWeights.booleanValue()) {
            throw new CheckpointException(source + ": scale_attn_weights is false, expected true;"
                    + " unscaled attention is not supported");
        }
    }

    private static int positiveInt(JsonNode root, String key, String source) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            throw new CheckpointException(source + ": missing key \"" + key + "\" (expected a positive integer)");
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
            throw new CheckpointException(source + ": \"" + key + "\" must be a positive integer, found " + v);
        }
        return v.intValue();
    }
}
