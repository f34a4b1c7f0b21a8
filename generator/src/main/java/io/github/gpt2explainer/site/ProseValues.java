package io.github.gpt2explainer.site;

import io.github.gpt2explainer.model.Gpt2Config;
import io.github.gpt2explainer.prompts.SiteSettings;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Collections;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The numbers the explainer prose may quote, taken from the model the site is built with and the site settings,
 * so that a chapter says "64 wide" on a demo site and "768 wide" on GPT-2 small. In the Markdown a placeholder is
 * written {@code {{model.width}}}; {@link #fill} replaces every one before the Markdown is rendered, and an unknown
 * name is an error naming the file and line. The names are listed in templates/README.md ({@link #names()}).
 * Lines holding a figure directive ({@code {{figure ...}}}) are left for {@link ChapterFigures}.
 */
public final class ProseValues {

    /** {@code {{name}}}: anything up to the first closing braces; the name is checked against the known ones. */
    static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*\\}\\}");

    private final SortedMap<String, String> values;

    private ProseValues(SortedMap<String, String> values) {
        this.values = Collections.unmodifiableSortedMap(values);
    }

    /**
     * The values of a site.
     *
     * @param c         the model's shape
     * @param modelName the model as the pages name it (Hub id, or the demo model's label)
     * @param settings  the site settings (seed, temperatures, tokens per continuation)
     */
    public static ProseValues of(Gpt2Config c, String modelName, SiteSettings settings) {
        SortedMap<String, String> v = new TreeMap<>();
        long e = c.width();
        long blockAttn = (e * 3 * e + 3 * e) + (e * e + e);          // c_attn [E, 3E] + bias, c_proj [E, E] + bias
        long blockMlp = (e * 4 * e + 4 * e) + (4 * e * e + e);      // c_fc [E, 4E] + bias, c_proj [4E, E] + bias
        long blockNorms = 4 * e;                                     // ln_1 and ln_2: gamma and beta each
        long block = blockAttn + blockMlp + blockNorms;
        long embedding = (long) c.vocabSize() * e;                   // wte [V, E], also the (tied) unembedding
        long positions = (long) c.contextLength() * e;               // wpe [context, E]
        v.put("model.name", "`" + modelName.replace("`", "") + "`");
        v.put("model.layers", integer(c.layers()));
        v.put("model.lastLayer", integer(c.layers() - 1));
        v.put("model.subLayers", integer(2L * c.layers()));
        v.put("model.heads", integer(c.heads()));
        v.put("model.lastHead", integer(c.heads() - 1));
        v.put("model.width", integer(e));
        v.put("model.headDim", integer(c.headDim()));
        double sqrt = Math.sqrt(c.headDim());
        v.put("model.sqrtHeadDim", decimal(sqrt));
        v.put("model.sqrtHeadDimIs", (sqrt == Math.rint(sqrt) ? "= " : "≈ ") + decimal(sqrt)); // "= 8", "≈ 4.899"
        v.put("model.qkvWidth", integer(3 * e));
        v.put("model.mlpWidth", integer(c.mlpWidth()));
        v.put("model.vocab", integer(c.vocabSize()));
        v.put("model.context", integer(c.contextLength()));
        v.put("model.lastPosition", integer(c.contextLength() - 1L));
        v.put("model.embeddingParameters", integer(embedding));
        v.put("model.positionParameters", integer(positions));
        v.put("model.blockParameters", integer(block));
        v.put("model.attentionParameters", integer(blockAttn));
        v.put("model.qkvParameters", integer(e * 3 * e + 3 * e));
        v.put("model.attentionProjParameters", integer(e * e + e));
        v.put("model.mlpParameters", integer(blockMlp));
        v.put("model.mlpInParameters", integer(e * 4 * e + 4 * e));
        v.put("model.mlpOutParameters", integer(4 * e * e + e));
        v.put("model.normParameters", integer(blockNorms));
        v.put("model.parameters", integer(embedding + positions + c.layers() * block + 2 * e));
        v.put("model.mlpMultiplyAdds", integer(2 * e * c.mlpWidth()));
        v.put("model.kvPerToken", integer(2L * c.layers() * e));
        v.put("model.kvKilobytesPerToken", decimal(2.0 * c.layers() * e * 4 / 1024));
        v.put("site.seed", Long.toString(settings.seed()));
        v.put("site.maxNewTokens", integer(settings.maxNewTokens()));
        v.put("site.temperatures", settings.temperatures().stream().map(SettingsText::number)
                .collect(Collectors.joining(", ")));
        return new ProseValues(v);
    }

    /** The values of the site rendered from {@code input}. */
    static ProseValues of(SiteInput input) {
        var m = input.model();
        String name = m.repoId() != null ? m.repoId() : m.demo() ? "demo" : m.spec();
        return of(m.config(), name, input.promptSet().settings());
    }

    /** Every placeholder name with its value on this site. */
    public SortedMap<String, String> values() {
        return values;
    }

    /**
     * {@code text} with every placeholder replaced by its value.
     *
     * @param file      where the text comes from, for the error
     * @param firstLine the line of {@code file} on which {@code text} starts
     * @throws ProseException naming file and line for a placeholder whose name is not known
     */
    public String fill(String file, int firstLine, String text) {
        StringBuilder out = new StringBuilder(text.length());
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.append('\n');
            }
            Matcher m = PLACEHOLDER.matcher(lines[i]);
            int from = 0;
            while (m.find()) {
                String name = m.group(1);
                String value = values.get(name);
                if (value == null && !ChapterFigures.isDirective(name)) {
                    throw new ProseException(file, firstLine + i, "unknown placeholder {{" + name + "}}; known: "
                            + String.join(", ", values.keySet()));
                }
                out.append(lines[i], from, m.start()).append(value != null ? value : m.group());
                from = m.end();
            }
            out.append(lines[i], from, lines[i].length());
        }
        return out.toString();
    }

    /** Whole numbers as the chapters print them: digits grouped by commas from 10,000 up (1024, 50,257). */
    static String integer(long n) {
        return Math.abs(n) >= 10_000 ? String.format(Locale.ROOT, "%,d", n) : Long.toString(n);
    }

    /** A decimal with at most four significant digits, without trailing zeros (8, 4, 5.657, 0.5). */
    static String decimal(double d) {
        return new BigDecimal(d).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }
}
