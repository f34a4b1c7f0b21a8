package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.gpt2explainer.model.HalfFloat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DataCodecTest {

    @Test
    void f16ArraysAreLittleEndianBase64AndKeepInfinities() {
        float[] values = {1.0f, -2.5f, Float.NEGATIVE_INFINITY, 65504f, 1e-8f, 0.1f};
        ObjectNode node = DataCodec.f16(values, 2, 3);
        assertThat(node.get("dtype").asText()).isEqualTo("f16");
        assertThat(node.get("shape").toString()).isEqualTo("[2,3]");
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(node.get("b64").asText())).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.remaining()).isEqualTo(12);
        float[] back = new float[6];
        for (int i = 0; i < 6; i++) {
            back[i] = HalfFloat.halfToFloat(bytes.getShort());
        }
        assertThat(back[0]).isEqualTo(1.0f);
        assertThat(back[1]).isEqualTo(-2.5f);
        assertThat(back[2]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(back[3]).isEqualTo(65504f);
        assertThat(back[4]).isEqualTo(0f); // below the smallest f16 subnormal
        assertThat(back[5]).isCloseTo(0.1f, org.assertj.core.data.Offset.offset(0.1f / 2048));
    }

    @Test
    void f32ArraysAreExact() {
        float[] values = {0.123456789f, -1e-30f};
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(DataCodec.f32(values, 2).get("b64").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.getFloat()).isEqualTo(values[0]);
        assertThat(bytes.getFloat()).isEqualTo(values[1]);
    }

    @Test
    void jsonHasSortedKeysAndOnlyAscii() {
        ObjectNode node = DataCodec.nodes().objectNode();
        node.put("zeta", "中文</script>");
        node.put("alpha", 1);
        node.putObject("mid").put("b", 2).put("a", 1);
        String json = DataCodec.json(node);
        assertThat(json).isEqualTo("{\"alpha\":1,\"mid\":{\"a\":1,\"b\":2},\"zeta\":\"\\u4E2D\\u6587</script>\"}");
        Map<String, Integer> map = new TreeMap<>(Map.of("b", 1, "a", 2));
        assertThat(DataCodec.json(map)).isEqualTo("{\"a\":2,\"b\":1}");
    }

    @Test
    void aDataFileIsOneReceiveCall() {
        assertThat(DataCodec.script("p/main", Map.of("x", 1))).isEqualTo("GPT2X.receive(\"p/main\", {\"x\":1});\n");
    }
}
