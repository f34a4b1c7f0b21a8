package io.github.gpt2explainer.benchjlama;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Times Jlama's plain forward pass (prefill of a prompt, then the last position's next-token
 * distribution) on a Hugging Face GPT-2 directory, and prints one JSON line for the benchmark
 * harness (io.github.gpt2explainer.bench) to parse; everything else goes to stderr.
 *
 * <p>Usage: {@code JlamaForwardBench <checkpointDir> <warmups> <repetitions> <ids,comma,separated>}
 *
 * <p>Output: {@code {"engine":"jlama 0.8.4","threads":N,"tokens":T,"load_ms":..,"forward_ms":[..],
 * "top_ids":[..],"top_probs":[..]}}: forward_ms per repetition, and the ten most probable next tokens
 * with their probabilities, so the harness can check that Jlama computed the same model.
 */
public final class JlamaForwardBench {

    private JlamaForwardBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: JlamaForwardBench <checkpointDir> <warmups> <repetitions> <ids,comma,separated>");
            System.exit(2);
        }
        File dir = new File(args[0]);
        int warmups = Integer.parseInt(args[1]);
        int repetitions = Integer.parseInt(args[2]);
        int[] ids = Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray();

        long loadStart = System.nanoTime();
        AbstractModel model = ModelSupport.loadModel(dir, DType.F32, DType.F32);
        double loadMs = (System.nanoTime() - loadStart) / 1e6;

        float[] probabilities = null;
        List<Double> forwardMs = new ArrayList<>();
        try (KvBufferCache caches = new KvBufferCache(model)) {
            for (int i = 0; i < warmups + repetitions; i++) {
                long start = System.nanoTime();
                probabilities = forward(model, caches, ids);
                double ms = (System.nanoTime() - start) / 1e6;
                if (i >= warmups) {
                    forwardMs.add(ms);
                }
            }
        }
        int[] top = topIndices(probabilities, 10);
        float[] p = probabilities;
        String json = String.format(Locale.ROOT,
                "{\"engine\":\"jlama 0.8.4\",\"java\":\"%s\",\"threads\":%d,\"tokens\":%d,\"load_ms\":%.1f,"
                        + "\"forward_ms\":[%s],\"top_ids\":[%s],\"top_probs\":[%s]}",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), ids.length, loadMs,
                forwardMs.stream().map(v -> String.format(Locale.ROOT, "%.3f", v)).collect(Collectors.joining(",")),
                Arrays.stream(top).mapToObj(Integer::toString).collect(Collectors.joining(",")),
                Arrays.stream(top).mapToObj(i -> String.format(Locale.ROOT, "%.7g", p[i])).collect(Collectors.joining(",")));
        System.out.println(json);
        System.out.flush();
        // Jlama's worker pools are not daemon threads everywhere; do not wait for them.
        System.exit(0);
    }

    /** Prefill of all ids from position 0 in a fresh KV buffer, then the next-token distribution of the last one. */
    private static float[] forward(AbstractModel model, KvBufferCache caches, int[] ids) {
        try (KvBufferCache.KvBuffer kv = caches.getEphemeralKvBuffer()) {
            AbstractTensor hidden = model.batchForward(ids, 0, kv);          // [T, E]
            try (AbstractTensor last = hidden.slice(ids.length - 1)) {         // [E]
                return model.getLogits(last);                                 // softmax over [V]
            } finally {
                hidden.close();
            }
        }
    }

    private static int[] topIndices(float[] values, int k) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(values[b], values[a]));
        int[] top = new int[Math.min(k, values.length)];
        for (int i = 0; i < top.length; i++) {
            top[i] = order[i];
        }
        return top;
    }
}
