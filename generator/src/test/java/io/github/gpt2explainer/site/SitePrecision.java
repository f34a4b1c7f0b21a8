package io.github.gpt2explainer.site;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.gpt2explainer.model.SafetensorsFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How far the numbers a reader sees are from the computed ones: every f16 array of a built site's per-prompt
 * data ({@code model.js}, {@code attn-<l>.js}, {@code layer-<l>.js}) against the float32 tensor of the same
 * name in the trace store ({@code runs/<entry>/prefill.safetensors}), decoded independently of the writer
 * ({@link StoredArrays}). Per quantity (the capture's name without its layer): the largest relative error
 * where the f16 is a normal number (|x| >= 2^-14), the largest absolute error below that, how many finite
 * values became infinite, and the largest difference, in units of the last digit, between the value and
 * its f16 as the views print them (4 significant digits, {@code GPT2X.num}).
 *
 * <p>Run on a real build: {@code SitePrecision <site dir> <store dir>} (test classpath, see docs/benchmarks.md).
 */
final class SitePrecision {

    /** binary16's smallest normal number, 2^-14. */
    static final double F16_MIN_NORMAL = 6.103515625e-5;
    /** The views' significant digits ({@code GPT2X.num}'s default). */
    static final int DISPLAY_DIGITS = 4;

    private static final Pattern RECEIVE = Pattern.compile("(?s)^GPT2X\\.receive\\((\"[^\"]*\"), (.*)\\);\\s*$");
    private static final Pattern LAYER_FILE = Pattern.compile("(?:attn|layer)-(\\d+)\\.js");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The errors of one stored quantity over every prompt and layer. */
    static final class Quantity {
        long values;
        double maxRelative;          // over |x| >= 2^-14
        double maxAbsoluteTiny;      // over |x| < 2^-14
        double maxAbsolute;
        long overflowed;             // finite values stored as infinities
        double maxDisplayUnits;      // |num4(f16) - num4(f32)| in units of num4(f32)'s last digit
        long displayChanged;         // values whose 4-digit print differs

        void add(float computed, float stored) {
            values++;
            if (Float.isInfinite(computed) || Float.isNaN(computed)) {
                return; // -Infinity in masked scores is stored as such (DataCodecTest checks it)
            }
            if (Float.isInfinite(stored)) {
                overflowed++;
                return;
            }
            double error = Math.abs((double) stored - computed);
            maxAbsolute = Math.max(maxAbsolute, error);
            if (Math.abs(computed) >= F16_MIN_NORMAL) {
                maxRelative = Math.max(maxRelative, error / Math.abs(computed));
                BigDecimal shown = printed(computed);
                BigDecimal shownStored = printed(stored);
                if (shown.compareTo(shownStored) != 0) {
                    displayChanged++;
                    double units = shown.subtract(shownStored).abs().divide(shown.ulp()).doubleValue();
                    maxDisplayUnits = Math.max(maxDisplayUnits, units);
                }
            } else {
                maxAbsoluteTiny = Math.max(maxAbsoluteTiny, error);
            }
        }

        String describe() {
            return String.format(Locale.ROOT, "%,d values: max relative error %.3g%% (|x| >= 2^-14), max absolute %.3g "
                            + "below it, %d overflowed; at %d significant digits %,d prints differ (%.3f%%), by at most %.0f in the last digit",
                    values, 100 * maxRelative, maxAbsoluteTiny, overflowed, DISPLAY_DIGITS, displayChanged,
                    100.0 * displayChanged / Math.max(1, values), maxDisplayUnits);
        }
    }

    private SitePrecision() {
    }

    /** {@code x} as {@code Number(x).toPrecision(4)} prints it, as a decimal (round half up, as JavaScript does). */
    static BigDecimal printed(float x) {
        return new BigDecimal(x).round(new MathContext(DISPLAY_DIGITS, java.math.RoundingMode.HALF_UP));
    }

    /** Every stored quantity of every prompt of {@code site}, against the trace store's float32 values. */
    static Map<String, Quantity> measure(Path site, Path store) {
        Map<String, Path> prefills = prefillsByPrompt(store);
        Map<String, Quantity> quantities = new TreeMap<>();
        Path data = site.resolve("data");
        try (Stream<Path> dirs = Files.list(data)) {
            for (Path dir : (Iterable<Path>) dirs.filter(Files::isDirectory).sorted()::iterator) {
                Path prefill = prefills.get(dir.getFileName().toString());
                if (prefill == null) {
                    continue; // not a prompt's data (e.g. data/compare)
                }
                try (SafetensorsFile trace = SafetensorsFile.open(prefill);
                     Stream<Path> files = Files.list(dir)) {
                    for (Path file : (Iterable<Path>) files.sorted()::iterator) {
                        compareFile(file, trace, quantities);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + data + ": " + e.getMessage(), e);
        }
        return quantities;
    }

    private static void compareFile(Path file, SafetensorsFile trace, Map<String, Quantity> quantities) throws IOException {
        String name = file.getFileName().toString();
        Matcher layerFile = LAYER_FILE.matcher(name);
        String prefix;
        if (layerFile.matches()) {
            prefix = "h." + layerFile.group(1) + ".";
        } else if (name.equals("model.js")) {
            prefix = "";
        } else {
            return;
        }
        Matcher call = RECEIVE.matcher(Files.readString(file, StandardCharsets.UTF_8));
        if (!call.matches()) {
            throw new IllegalStateException(file + ": not a GPT2X.receive(key, payload) data file");
        }
        JsonNode payload = JSON.readTree(call.group(2));
        for (Iterator<Map.Entry<String, JsonNode>> it = payload.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode array = field.getValue();
            String tensor = prefix + field.getKey();
            if (!array.isObject() || !"f16".equals(array.path("dtype").asText()) || !trace.contains(tensor)) {
                continue;
            }
            float[] stored = StoredArrays.decode(array);
            FloatBuffer computed = trace.floats(tensor);
            if (computed.remaining() != stored.length) {
                throw new IllegalStateException(file + ": " + field.getKey() + " holds " + stored.length
                        + " values, the trace's " + tensor + " " + computed.remaining());
            }
            Quantity q = quantities.computeIfAbsent(field.getKey(), k -> new Quantity());
            for (int i = 0; i < stored.length; i++) {
                q.add(computed.get(i), stored[i]);
            }
        }
    }

    /** Each prompt id's {@code prefill.safetensors} in the store (from each entry's {@code manifest.json}). */
    private static Map<String, Path> prefillsByPrompt(Path store) {
        Map<String, Path> prefills = new TreeMap<>();
        try (Stream<Path> entries = Files.list(store.resolve("runs"))) {
            for (Path entry : (Iterable<Path>) entries.filter(Files::isDirectory)::iterator) {
                Path manifest = entry.resolve("manifest.json");
                if (Files.isRegularFile(manifest) && Files.isRegularFile(entry.resolve("prefill.safetensors"))) {
                    String id = JSON.readTree(manifest.toFile()).path("promptId").asText();
                    if (prefills.put(id, entry.resolve("prefill.safetensors")) != null) {
                        throw new IllegalStateException(store + " holds more than one run of prompt " + id
                                + "; measure a fresh store");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the trace store " + store + ": " + e.getMessage(), e);
        }
        return prefills;
    }

    public static void main(String[] args) {
        Map<String, Quantity> quantities = measure(Path.of(args[0]), Path.of(args[1]));
        Quantity all = new Quantity();
        quantities.forEach((name, q) -> {
            System.out.println(name + ": " + q.describe());
            all.values += q.values;
            all.maxRelative = Math.max(all.maxRelative, q.maxRelative);
            all.maxAbsoluteTiny = Math.max(all.maxAbsoluteTiny, q.maxAbsoluteTiny);
            all.overflowed += q.overflowed;
            all.displayChanged += q.displayChanged;
            all.maxDisplayUnits = Math.max(all.maxDisplayUnits, q.maxDisplayUnits);
        });
        System.out.println("all: " + all.describe());
    }
}
