package io.github.gpt2explainer.bench;

import io.github.gpt2explainer.model.Gpt2Config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The four GPT-2 sizes the README promises, by their real shapes (vocabulary 50257, context 1024): a random
 * checkpoint of a shape costs what the real model costs, since the values of the weights do not change the work.
 */
public enum ModelShape {
    SMALL("small", new Gpt2Config(50257, 1024, 768, 12, 12, 1e-5)),
    MEDIUM("medium", new Gpt2Config(50257, 1024, 1024, 24, 16, 1e-5)),
    LARGE("large", new Gpt2Config(50257, 1024, 1280, 36, 20, 1e-5)),
    XL("xl", new Gpt2Config(50257, 1024, 1600, 48, 25, 1e-5));

    private final String label;
    private final Gpt2Config config;

    ModelShape(String label, Gpt2Config config) {
        this.label = label;
        this.config = config;
    }

    public String label() {
        return label;
    }

    public Gpt2Config config() {
        return config;
    }

    /** Parameters with a tied head (the head is {@code wte}, counted once), as the Hub's F32 file holds them. */
    public long parameters() {
        long e = config.width();
        long perLayer = 2 * 2 * e          // ln_1, ln_2: gain and bias
                + e * 3 * e + 3 * e         // c_attn
                + e * e + e                 // attention c_proj
                + e * 4 * e + 4 * e         // c_fc
                + 4 * e * e + e;            // mlp c_proj
        return (long) config.vocabSize() * e + (long) config.contextLength() * e + config.layers() * perLayer + 2 * e;
    }

    /** Bytes of the weights as F32. */
    public long weightBytes() {
        return 4 * parameters();
    }

    /** "24 layers x width 1024, 16 heads". */
    public String describe() {
        return config.layers() + " layers x width " + config.width() + ", " + config.heads() + " heads";
    }

    /** A comma-separated list such as {@code small,medium,xl}; names the shape that is not one. */
    public static List<ModelShape> parseList(String list) {
        List<ModelShape> shapes = new ArrayList<>();
        for (String name : list.split(",")) {
            String wanted = name.trim().toLowerCase(Locale.ROOT);
            ModelShape shape = Arrays.stream(values()).filter(s -> s.label.equals(wanted)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--shapes: unknown shape '" + name.trim()
                            + "', expected a comma-separated list of small, medium, large, xl"));
            if (!shapes.contains(shape)) {
                shapes.add(shape);
            }
        }
        return shapes;
    }
}
