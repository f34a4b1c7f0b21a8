package io.github.gpt2explainer.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.model.HfCheckpointWriter;
import io.github.gpt2explainer.model.RandomCheckpoint;
import io.github.gpt2explainer.model.SafetensorsDtype;
import io.github.gpt2explainer.model.SafetensorsEntry;
import io.github.gpt2explainer.model.SafetensorsFile;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Loading does not depend on the JVM's direct-memory limit and makes no second copy of the weights: a child
 * JVM limited to 64 MB of direct memory traces a checkpoint of several hundred MB (F32, F16 and BF16, with
 * GPT-2's real vocabulary and width), every tensor matches the double-precision oracle run on the weights
 * as stored, and the child's peak resident memory above its runtime baseline stays within 1.3 times the
 * weights' F32 bytes plus a small working set. Before, the upload copied every tensor into Java direct
 * buffers and the child died with "Cannot reserve ... bytes of direct buffer memory".
 */
@Tag("slow")
class LargeCheckpointLoadTest {

    /** GPT-2 small's vocabulary, context and width with 6 layers: 82 M parameters, 328 MB as F32. */
    private static final Gpt2Config SHAPE = new Gpt2Config(50257, 1024, 768, 6, 12, 1e-5);
    private static final String PROMPT = "Data visualization empowers users to";
    private static final long[] PROMPT_IDS = {6601, 32704, 795, 30132, 2985, 284};
    private static final double TOLERANCE = 1e-4;
    /** What a 6-token trace needs besides the weights: its captured tensors, the pass, the JVM's heap. */
    private static final long WORKING_SET = 200L << 20;

    private static Checkpoint original;

    @BeforeAll
    static void generate() {
        original = RandomCheckpoint.create(SHAPE, 11); // tied head, as OpenAI's GPT-2 checkpoints
    }

    @ParameterizedTest
    @EnumSource(value = SafetensorsDtype.class, names = {"F32", "F16", "BF16"})
    void aChildJvmWith64MbOfDirectMemoryTracesTheCheckpointCorrectly(SafetensorsDtype dtype) throws Exception {
        Path dir = Path.of("target", "large-checkpoint-test", dtype.name());
        try {
            Path model = dir.resolve("model");
            HfCheckpointWriter.write(original, model, HfCheckpointWriter.Options.defaults().withDtype(dtype));
            Path out = dir.resolve("trace.safetensors");

            String stdout = runChild(dir, "trace", "--model", model.toString(), "--prompt", PROMPT,
                    "--out", out.toString());

            ReferenceGpt2 reference = new ReferenceGpt2(TestCheckpoints.roundedTo(original, dtype));
            Map<String, ReferenceGpt2.Tensor> expected = reference.run(PROMPT_IDS);
            expected.put("logits", HuggingFaceCheckpointFidelityTest.everyPosition(
                    reference.logitsAtEveryPosition(expected)));                             // trace writes [T, V]
            try (SafetensorsFile trace = SafetensorsFile.open(out)) {
                assertThat(trace.names()).containsAll(expected.keySet());
                for (Map.Entry<String, ReferenceGpt2.Tensor> e : expected.entrySet()) {
                    SafetensorsEntry entry = trace.entry(e.getKey());
                    FloatBuffer values = trace.floats(e.getKey());
                    float[] actual = new float[values.remaining()];
                    values.get(actual);
                    TensorComparison.assertClose(dtype + " " + e.getKey(), entry.shape(), actual,
                            e.getValue().shape(), e.getValue().data(), TOLERANCE);
                }
            }

            Matcher memory = Pattern.compile("memory baseline=(\\d+) peak=(\\d+)").matcher(stdout);
            assertThat(memory.find()).as("the child's memory line in:%n%s", stdout).isTrue();
            long above = Long.parseLong(memory.group(2)) - Long.parseLong(memory.group(1));
            long weights = f32WeightBytes();
            System.out.printf("LargeCheckpointLoadTest %s: %d MB of F32 weights, peak %d MB above the runtime"
                    + " baseline (%.2f x)%n", dtype, weights >> 20, above >> 20, (double) above / weights);
            assertThat(above).as("peak resident bytes above the baseline, for %d bytes of weights", weights)
                    .isLessThanOrEqualTo((long) (1.3 * weights) + WORKING_SET);
        } finally {
            deleteTree(dir);
        }
    }

    /** The parameters' bytes as F32, each stored tensor once (the tied head is the embedding). */
    private static long f32WeightBytes() {
        long elements = 0;
        for (String name : original.names()) {
            if (!name.equals("lm_head.weight")) {
                elements += original.values(name).size();
            }
        }
        return elements * Float.BYTES;
    }

    /** Runs {@link PeakMemoryMain} in a JVM limited to 64 MB of direct memory; returns its stdout. */
    private static String runChild(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:MaxDirectMemorySize=64m",
                "-cp", System.getProperty("java.class.path"), PeakMemoryMain.class.getName()));
        command.addAll(List.of(args));
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        Process child = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .start();
        if (!child.waitFor(10, TimeUnit.MINUTES)) {
            child.destroyForcibly().waitFor();
            throw new AssertionError("the child JVM did not finish in 10 minutes");
        }
        assertThat(child.exitValue()).as("exit code; stderr:%n%s", Files.readString(stderr, StandardCharsets.UTF_8))
                .isZero();
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
