package io.github.gpt2explainer.site;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.gpt2explainer.model.HalfFloat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * The compact, deterministic encoding of the site's data files.
 *
 * <p>A numeric array is an object {@code {"dtype": "f16"|"f32", "shape": [...], "b64": "..."}}: the values
 * row-major, little-endian IEEE binary16 or binary32, in base64. binary16 keeps infinities, so masked
 * attention scores ({@code -Infinity}) survive. JSON objects have their keys sorted and every non-ASCII
 * character escaped, so the bytes depend only on the content and the files read the same whatever charset
 * a browser assumes for a {@code file://} script.
 *
 * <p>A data file is a classic script {@code GPT2X.receive("<key>", <json>);} so it loads with
 * {@code <script src>} under {@code file://} and a {@code script-src 'self'} policy, where {@code fetch()}
 * would be blocked.
 */
public final class DataCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
            .configure(JsonWriteFeature.ESCAPE_NON_ASCII, true)
            .build();

    private DataCodec() {
    }

    public static JsonNodeFactory nodes() {
        return JsonNodeFactory.instance;
    }

    /** Values rounded to binary16 (round to nearest even; beyond ±65504 they become ±infinity). */
    public static ObjectNode f16(float[] values, long... shape) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putShort(HalfFloat.floatToHalf(v));
        }
        return array("f16", bytes.array(), shape, values.length);
    }

    /** Values as binary32, for the few numbers shown with more digits (probabilities, draws, norms). */
    public static ObjectNode f32(float[] values, long... shape) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putFloat(v);
        }
        return array("f32", bytes.array(), shape, values.length);
    }

    /** The value the browser will see for {@code value} stored as f16. */
    public static float roundToF16(float value) {
        return HalfFloat.halfToFloat(HalfFloat.floatToHalf(value));
    }

    private static ObjectNode array(String dtype, byte[] bytes, long[] shape, int count) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != count) {
            throw new IllegalArgumentException("shape product " + n + " does not match " + count + " values");
        }
        ObjectNode node = nodes().objectNode();
        node.put("dtype", dtype);
        ArrayNode dims = node.putArray("shape");
        for (long d : shape) {
            dims.add(d);
        }
        node.put("b64", Base64.getEncoder().encodeToString(bytes));
        return node;
    }

    /** Canonical JSON text: sorted keys, ASCII only. */
    public static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value instanceof ObjectNode o ? sorted(o) : value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** The data file for {@code key}: one {@code GPT2X.receive} call. */
    public static String script(String key, Object payload) {
        return "GPT2X.receive(" + json(key) + ", " + json(payload) + ");\n";
    }

    /** ObjectNode keeps insertion order; rebuild it with keys sorted, recursively. */
    private static com.fasterxml.jackson.databind.JsonNode sorted(com.fasterxml.jackson.databind.JsonNode node) {
        if (node instanceof ObjectNode obj) {
            ObjectNode out = nodes().objectNode();
            java.util.List<String> names = new java.util.ArrayList<>();
            obj.fieldNames().forEachRemaining(names::add);
            java.util.Collections.sort(names);
            for (String name : names) {
                out.set(name, sorted(obj.get(name)));
            }
            return out;
        }
        if (node instanceof ArrayNode arr) {
            ArrayNode out = nodes().arrayNode();
            arr.forEach(child -> out.add(sorted(child)));
            return out;
        }
        return node;
    }
}
