package io.github.gpt2explainer.site;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.gpt2explainer.model.HalfFloat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * Reads the arrays of the site's data files as the browser does ({@code {"dtype", "shape", "b64"}},
 * little-endian f16 or f32), written here independently of {@link DataCodec} so tests check its output.
 */
final class StoredArrays {

    private StoredArrays() {
    }

    static float[] decode(JsonNode array) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(array.get("b64").asText())).order(ByteOrder.LITTLE_ENDIAN);
        boolean half = array.get("dtype").asText().equals("f16");
        float[] out = new float[b.remaining() / (half ? 2 : 4)];
        for (int i = 0; i < out.length; i++) {
            out[i] = half ? HalfFloat.halfToFloat(b.getShort()) : b.getFloat();
        }
        return out;
    }

    static int[] shape(JsonNode array) {
        int[] s = new int[array.get("shape").size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = array.get("shape").get(i).asInt();
        }
        return s;
    }
}
