package io.github.gpt2explainer.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Why the launcher sets {@code MKL_CBWR=AUTO}: the products a decode step and the lens make (GPT-2 small's head,
 * [rows, 768] x [768, 50257], and its MLP's first layer, [rows, 768] x [768, 3072]) timed by child JVMs with
 * oneMKL's default code path and with {@code MKL_CBWR=AUTO}, alternately, so both see the same minutes of a
 * noisy machine. Each child reports its median per row count; the table gives the median over children.
 *
 * <p>Usage: {@code java -cp bench/target/bench.jar io.github.gpt2explainer.bench.MklPathBench [ROUNDS]}
 */
public final class MklPathBench {

    private static final int[] ROWS = {1, 5, 8, 16, 40, 83};
    private static final int WIDTH = 768;
    private static final int VOCAB = 50257;
    private static final int MLP = 3072;

    private MklPathBench() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length > 0 && args[0].equals("--child")) {
            child();
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        List<String> settings = List.of("", "AUTO"); // "" = MKL_CBWR unset: oneMKL's own choice
        Map<String, Map<String, List<Double>>> ms = new TreeMap<>(); // setting -> "rows product" -> per child, ms
        for (int round = 0; round < rounds; round++) {
            for (String setting : settings) {
                for (String line : childLines(setting)) {
                    String[] f = line.split(" "); // rows product ms
                    ms.computeIfAbsent(setting, s -> new TreeMap<>())
                            .computeIfAbsent(f[0] + " " + f[1], k -> new ArrayList<>()).add(Double.parseDouble(f[2]));
                }
            }
        }
        System.out.println("| rows | product | MKL_CBWR unset | MKL_CBWR=AUTO | unset / AUTO |");
        System.out.println("|---:|---|---:|---:|---:|");
        for (String product : List.of("head", "mlp")) {
            for (int rows : ROWS) {
                String key = rows + " " + product;
                double unset = medianOf(ms.get("").get(key));
                double auto = medianOf(ms.get("AUTO").get(key));
                System.out.printf("| %d | %s | %.2f ms | %.2f ms | %.2fx |%n", rows,
                        product.equals("head") ? "[rows, 768] x [768, 50257]" : "[rows, 768] x [768, 3072]",
                        unset, auto, unset / auto);
            }
        }
        System.out.println("(" + rounds + " children per setting, alternated; each child's figure is the median of its repetitions)");
    }

    private static List<String> childLines(String setting) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), MklPathBench.class.getName(), "--child")
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        if (setting.isEmpty()) {
            builder.environment().remove("MKL_CBWR");
        } else {
            builder.environment().put("MKL_CBWR", setting);
        }
        Process child = builder.start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (child.waitFor() != 0) {
            throw new IllegalStateException("the timing child failed (MKL_CBWR=" + setting + "): " + out);
        }
        return out.lines().filter(l -> l.matches("\\d+ \\w+ [0-9.]+")).toList();
    }

    /** Prints "rows product median-ms" for each row count and product. */
    private static void child() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray head = manager.randomUniform(-1f, 1f, new Shape(WIDTH, VOCAB), DataType.FLOAT32);
            NDArray mlp = manager.randomUniform(-1f, 1f, new Shape(WIDTH, MLP), DataType.FLOAT32);
            for (int rows : ROWS) {
                NDArray x = manager.randomUniform(-1f, 1f, new Shape(rows, WIDTH), DataType.FLOAT32);
                System.out.printf("%d head %.3f%n", rows, medianMs(x, head, 20));
                System.out.printf("%d mlp %.4f%n", rows, medianMs(x, mlp, 200));
                x.close();
            }
        }
    }

    private static double medianMs(NDArray x, NDArray w, int repetitions) {
        for (int i = 0; i < 5; i++) {
            x.matMul(w).close();
        }
        double[] ms = new double[repetitions];
        for (int i = 0; i < repetitions; i++) {
            long start = System.nanoTime();
            x.matMul(w).close();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        return Samples.of(ms).median();
    }

    private static double medianOf(List<Double> values) {
        return Samples.of(values.stream().mapToDouble(Double::doubleValue).toArray()).median();
    }
}
