package io.github.gpt2explainer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Seeded fuzzing of model.safetensors inside a GPT-2 directory: byte flips in the header, truncations,
 * random header lengths, textual and structured JSON mutations, data-region changes. Every case must either
 * load (and then every tensor must be readable) or throw {@link CheckpointException} naming the directory.
 */
@Tag("slow") // a resource check, minutes on a shared machine: left out of the fast run (README, "Test it")
class SafetensorsFuzzTest {

    private static final int CASES = 3000;
    private static final long SEED = 0x5AFE_7E45L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Object[] DTYPES = {"F32", "F16", "BF16", "I64", "I32", "U8", "F64", "BOOL", "F8_E4M3",
        "X", "f32", "", 7, null};

    @TempDir
    Path dir;

    private record Mutant(String description, byte[] bytes) {
    }

    @Test
    void everyMutantLoadsOrThrowsCheckpointException() throws IOException {
        Checkpoint original = RandomCheckpoint.create(TestFiles.tinyConfig(), 5);
        byte[] f16 = writeAndRead(original, HfCheckpointWriter.Options.defaults().withDtype(SafetensorsDtype.F16));
        byte[] f32 = writeAndRead(original, HfCheckpointWriter.Options.defaults());
        Path weights = dir.resolve("model.safetensors");
        Map<String, Integer> outcomes = new TreeMap<>();

        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Random random = new Random(SEED);
            for (int i = 0; i < CASES; i++) {
                Mutant m = mutate(random.nextBoolean() ? f32 : f16, random, 0);
                Files.write(weights, m.bytes());
                String outcome;
                try {
                    Checkpoint loaded = CheckpointLoader.load(dir);
                    readEveryValue(loaded);
                    outcome = "loaded";
                } catch (CheckpointException e) {
                    assertThat(e.getMessage()).as("case %d (%s)", i, m.description()).contains(dir.toString());
                    outcome = "rejected";
                } catch (Throwable t) {
                    fail("case " + i + " (" + m.description() + ") threw " + t, t);
                    return;
                }
                outcomes.merge(outcome, 1, Integer::sum);
            }
        });
        // The fuzzer must exercise both outcomes, or it is not testing much.
        assertThat(outcomes.getOrDefault("rejected", 0)).isGreaterThan(CASES / 2);
        assertThat(outcomes.getOrDefault("loaded", 0)).isGreaterThan(10);
        System.out.println("fuzz outcomes over " + CASES + " cases: " + outcomes);
    }

    private byte[] writeAndRead(Checkpoint c, HfCheckpointWriter.Options options) throws IOException {
        HfCheckpointWriter.write(c, dir, options);
        return Files.readAllBytes(dir.resolve("model.safetensors"));
    }

    /** Reads every parameter's bytes the way the engine does when it loads the model. */
    private static void readEveryValue(Checkpoint c) {
        for (String name : c.names()) {
            ParameterValues values = c.values(name);
            ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(values.size() * values.dtype().byteSize()));
            values.copyTo(0, bytes);
            assertThat(bytes.position()).isZero();
        }
    }

    private static Mutant mutate(byte[] base, Random r, int depth) {
        int kind = depth > 0 ? r.nextInt(6) : r.nextInt(7);
        return switch (kind) {
            case 0 -> flipHeaderBytes(base, r);
            case 1 -> truncate(base, r);
            case 2 -> headerLength(base, r);
            case 3, 4 -> structured(base, r);
            case 5 -> textual(base, r);
            default -> {
                Mutant first = mutate(base, r, 1);
                Mutant second = mutate(first.bytes(), r, 1);
                yield new Mutant(first.description() + " then " + second.description(), second.bytes());
            }
        };
    }

    private static int headerEnd(byte[] file) {
        long n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        return (int) Math.min(file.length, 8 + Math.max(0, Math.min(n, Integer.MAX_VALUE - 8)));
    }

    private static Mutant flipHeaderBytes(byte[] base, Random r) {
        byte[] out = base.clone();
        int end = headerEnd(out);
        int flips = 1 + r.nextInt(8);
        for (int k = 0; k < flips && end > 8; k++) {
            int at = 8 + r.nextInt(end - 8);
            out[at] = r.nextBoolean() ? (byte) r.nextInt(256) : (byte) (out[at] ^ (1 << r.nextInt(8)));
        }
        return new Mutant("flip " + flips + " header bytes", out);
    }

    private static Mutant truncate(byte[] base, Random r) {
        int length = r.nextBoolean() ? r.nextInt(base.length) : Math.max(0, base.length - 1 - r.nextInt(64));
        if (r.nextInt(4) == 0) {
            // the other direction: extra bytes after the data region
            byte[] longer = Arrays.copyOf(base, base.length + 1 + r.nextInt(64));
            return new Mutant("append " + (longer.length - base.length) + " zero bytes", longer);
        }
        return new Mutant("truncate to " + length, Arrays.copyOf(base, length));
    }

    private static Mutant headerLength(byte[] base, Random r) {
        long current = ByteBuffer.wrap(base).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        long[] choices = {r.nextLong(), current + r.nextInt(33) - 16, r.nextInt(base.length + 16), Long.MIN_VALUE, -1,
            0, SafetensorsFile.MAX_HEADER_BYTES + 1, base.length - 8, Integer.MAX_VALUE};
        long value = choices[r.nextInt(choices.length)];
        byte[] out = base.clone();
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
        return new Mutant("header length " + value, out);
    }

    private static Mutant textual(byte[] base, Random r) {
        int end = headerEnd(base);
        StringBuilder text = new StringBuilder(new String(base, 8, end - 8, StandardCharsets.UTF_8));
        String alphabet = "{}[],:\"-09e.\\ x\u00e9\u0000";
        int edits = 1 + r.nextInt(4);
        for (int k = 0; k < edits && text.length() > 0; k++) {
            int at = r.nextInt(text.length());
            switch (r.nextInt(3)) {
                case 0 -> text.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
                case 1 -> text.deleteCharAt(at);
                default -> text.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
            }
        }
        return new Mutant("edit header text " + edits + "x",
                assemble(text.toString(), Arrays.copyOfRange(base, end, base.length), r));
    }

    private static byte[] assemble(String header, byte[] data, Random r) {
        byte[] h = (header + " ".repeat(r.nextInt(3) == 0 ? r.nextInt(8) : 0)).getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        return b.putLong(h.length).put(h).put(data).array();
    }

    /** Edits the parsed header as JSON, so the result is well-formed but semantically wrong (or sometimes fine). */
    private static Mutant structured(byte[] base, Random r) {
        int end = headerEnd(base);
        ObjectNode root;
        try {
            JsonNode parsed = JSON.readTree(new String(base, 8, end - 8, StandardCharsets.UTF_8));
            if (!(parsed instanceof ObjectNode object)) {
                return flipHeaderBytes(base, r);
            }
            root = object;
        } catch (IOException e) {
            return flipHeaderBytes(base, r);
        }
        List<String> names = new ArrayList<>();
        root.fieldNames().forEachRemaining(n -> {
            if (!n.equals("__metadata__")) {
                names.add(n);
            }
        });
        if (names.isEmpty() || !(root.get(names.get(0)) instanceof ObjectNode)) {
            return flipHeaderBytes(base, r);
        }
        String name = names.get(r.nextInt(names.size()));
        JsonNode picked = root.get(name);
        if (!(picked instanceof ObjectNode entry)) {
            return flipHeaderBytes(base, r);
        }
        String what;
        switch (r.nextInt(11)) {
            case 0 -> {
                String other = names.get(r.nextInt(names.size()));
                JsonNode a = entry.get("data_offsets");
                JsonNode b = root.path(other).path("data_offsets");
                if (a != null && b.isArray() && root.get(other) instanceof ObjectNode otherEntry) {
                    entry.set("data_offsets", b.deepCopy());
                    otherEntry.set("data_offsets", a.deepCopy());
                }
                what = "swap offsets of " + name + " and " + other;
            }
            case 1 -> {
                Object dtype = DTYPES[r.nextInt(DTYPES.length)];
                entry.set("dtype", JSON.valueToTree(dtype));
                what = "dtype of " + name + " = " + dtype;
            }
            case 2 -> {
                ArrayNode shape = entry.putArray("shape");
                int rank = r.nextInt(4);
                for (int k = 0; k < rank; k++) {
                    switch (r.nextInt(6)) {
                        case 0 -> shape.add(-1 - r.nextInt(3));
                        case 1 -> shape.add(1L << (20 + r.nextInt(43)));
                        case 2 -> shape.add(1.5);
                        case 3 -> shape.add("8");
                        default -> shape.add(r.nextInt(40));
                    }
                }
                what = "shape of " + name + " = " + shape;
            }
            case 3 -> {
                JsonNode shape = entry.get("shape");
                if (shape instanceof ArrayNode dims && !dims.isEmpty()) {
                    int k = r.nextInt(dims.size());
                    dims.set(k, JSON.valueToTree(dims.get(k).asLong() + r.nextInt(5) - 2));
                }
                what = "nudge a dim of " + name;
            }
            case 4 -> {
                long dataLength = base.length - end;
                long[] pick = {r.nextInt((int) dataLength + 20) - 10, Long.MAX_VALUE, -1, dataLength, 0};
                long begin = pick[r.nextInt(pick.length)];
                long stop = r.nextBoolean() ? pick[r.nextInt(pick.length)] : begin + r.nextInt(64);
                entry.putArray("data_offsets").add(begin).add(stop);
                what = "offsets of " + name + " = [" + begin + "," + stop + "]";
            }
            case 5 -> {
                String key = r.nextBoolean() ? List.of("dtype", "shape", "data_offsets").get(r.nextInt(3)) : "extra";
                if (key.equals("extra")) {
                    entry.put("extra", 1);
                } else {
                    entry.remove(key);
                }
                what = "add/remove key " + key + " of " + name;
            }
            case 6 -> {
                String[] renames = {"transformer." + name, name.replace("transformer.", ""), "h.7.ln_1.weight",
                    "h.0.attn.bias", "lm_head.weight", "", "wte.weight"};
                String newName = renames[r.nextInt(renames.length)];
                root.remove(name);
                if (!root.has(newName)) {
                    root.set(newName, entry);
                }
                what = "rename " + name + " to '" + newName + "'";
            }
            case 7 -> {
                JsonNode[] replacements = {JSON.valueToTree(1), JSON.createArrayNode(), JSON.valueToTree("x"),
                    JSON.nullNode(), JSON.createObjectNode()};
                root.set(name, replacements[r.nextInt(replacements.length)]);
                what = "replace entry " + name;
            }
            case 8 -> {
                JsonNode[] metas = {JSON.valueToTree(1), JSON.createArrayNode(), JSON.createObjectNode().put("k", 2),
                    JSON.nullNode(), JSON.createObjectNode().put("format", "np")};
                root.set("__metadata__", metas[r.nextInt(metas.length)]);
                what = "replace __metadata__";
            }
            case 9 -> {
                root.remove(name);
                what = "remove " + name;
            }
            default -> {
                root.set("copy_of_" + name, entry.deepCopy());
                what = "duplicate " + name;
            }
        }
        return new Mutant(what, assemble(root.toString(), Arrays.copyOfRange(base, end, base.length), r));
    }
}
