package io.github.gpt2explainer.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * The live page of two versions of the code, in pairs: one {@code serve} from each checkout (its jar built), every
 * new prompt asked of both, in alternating order (A B, B A, ...), so that each ratio compares two pages computed in
 * the same seconds of the machine's load; separate runs of {@code bench/run --live-only} drift by 20% on a shared
 * machine. Both servers hold the model; only one computes at a time.
 *
 * <p>Usage: {@code java -cp bench/target/bench.jar io.github.gpt2explainer.bench.LivePairBench REPO_A REPO_B
 * CHECKPOINT WORK [PAIRS]} (PAIRS at most 23, default 15).
 */
public final class LivePairBench {

    private LivePairBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: LivePairBench REPO_A REPO_B CHECKPOINT WORK [PAIRS]");
            System.exit(2);
        }
        Path repoA = Path.of(args[0]);
        Path repoB = Path.of(args[1]);
        Path checkpoint = Path.of(args[2]);
        Path work = Path.of(args[3]);
        int pairs = args.length > 4 ? Integer.parseInt(args[4]) : 15;
        List<String> prompts = LivePageBench.prompts(pairs + 1);
        try (LivePageBench.Server a = LivePageBench.Server.start(repoA, checkpoint, work.resolve("a"));
             LivePageBench.Server b = LivePageBench.Server.start(repoB, checkpoint, work.resolve("b"))) {
            a.timeToPage(prompts.get(0)); // each server loads the weights with its first prompt
            b.timeToPage(prompts.get(0));
            double[] aMs = new double[pairs];
            double[] bMs = new double[pairs];
            double[] ratios = new double[pairs];
            for (int i = 0; i < pairs; i++) {
                String prompt = prompts.get(i + 1);
                if (i % 2 == 0) {
                    aMs[i] = a.timeToPage(prompt);
                    bMs[i] = b.timeToPage(prompt);
                } else {
                    bMs[i] = b.timeToPage(prompt);
                    aMs[i] = a.timeToPage(prompt);
                }
                ratios[i] = aMs[i] / bMs[i];
                System.err.printf("pair %d: A %.1f ms, B %.1f ms%n", i + 1, aMs[i], bMs[i]);
            }
            Paired paired = new Paired(Samples.of(aMs), Samples.of(bMs), Samples.of(ratios));
            System.out.println("live page, POST to page, " + pairs + " new prompts asked of both:");
            System.out.println("  A " + repoA + ": " + paired.a().describe(1) + " ms");
            System.out.println("  B " + repoB + ": " + paired.b().describe(1) + " ms");
            System.out.println("  A / B per pair: " + paired.describeRatio());
        }
    }
}
