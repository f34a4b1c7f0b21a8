package io.github.gpt2explainer.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The benchmark's results as Markdown: machine, command, one table per section, then the targets. */
public final class Report {

    /** One measured quantity: its median, its spread, and what it means. */
    public record Line(String quantity, String median, String spread, String note) {
    }

    /**
     * A target of the issue, reported as a ratio measured in the same run.
     *
     * @param met null when it could not be measured
     */
    public record Target(String name, String measured, String limit, Boolean met, String note) {
    }

    private final Map<String, List<Line>> sections = new LinkedHashMap<>();
    private final List<Target> targets = new ArrayList<>();
    private final List<String> preamble = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public void preamble(String markdownLine) {
        preamble.add(markdownLine);
    }

    public void note(String markdownLine) {
        notes.add(markdownLine);
    }

    /** A timing in milliseconds: median, then min-max and IQR. */
    public void time(String section, String quantity, Samples ms, String note) {
        add(section, new Line(quantity, fmt(ms.median(), 1) + " ms", spread(ms, 1), note));
    }

    /** A rate or size in some unit, with its spread. */
    public void value(String section, String quantity, Samples values, String unit, int decimals, String note) {
        add(section, new Line(quantity, fmt(values.median(), decimals) + " " + unit, spread(values, decimals), note));
    }

    /** Ratios with their spread, e.g. the per-pair ratios of {@link Stopwatch#timePaired}: "1.23x". */
    public void ratios(String section, String quantity, Samples ratios, String note) {
        add(section, new Line(quantity, ratio(ratios.median()), spread(ratios, 2), note));
    }

    /** A single derived figure (a ratio of medians, a size). */
    public void figure(String section, String quantity, String value, String note) {
        add(section, new Line(quantity, value, "", note));
    }

    public void target(Target target) {
        targets.add(target);
    }

    public List<Target> targets() {
        return List.copyOf(targets);
    }

    private void add(String section, Line line) {
        System.err.println("[bench] " + line.quantity() + ": " + line.median() + "  " + line.spread() + "  " + line.note());
        sections.computeIfAbsent(section, s -> new ArrayList<>()).add(line);
    }

    public String toMarkdown() {
        StringBuilder md = new StringBuilder();
        preamble.forEach(l -> md.append(l).append('\n'));
        for (Map.Entry<String, List<Line>> section : sections.entrySet()) {
            md.append("\n### ").append(section.getKey()).append("\n\n");
            md.append("| quantity | median | spread: min-max (IQR), n | note |\n");
            md.append("| --- | ---: | --- | --- |\n");
            for (Line l : section.getValue()) {
                md.append("| ").append(cell(l.quantity())).append(" | ").append(cell(l.median())).append(" | ")
                        .append(cell(l.spread())).append(" | ").append(cell(l.note())).append(" |\n");
            }
        }
        md.append("\n### Targets\n\n");
        md.append("| target | measured | limit | met |\n");
        md.append("| --- | ---: | ---: | --- |\n");
        for (Target t : targets) {
            String met = t.met() == null ? "not measured" : t.met() ? "yes" : "**no**";
            md.append("| ").append(cell(t.name())).append(" | ").append(cell(t.measured())).append(" | ")
                    .append(cell(t.limit())).append(" | ").append(met)
                    .append(t.note().isEmpty() ? "" : ": " + cell(t.note())).append(" |\n");
        }
        if (!notes.isEmpty()) {
            md.append('\n');
            notes.forEach(l -> md.append(l).append('\n'));
        }
        return md.toString();
    }

    public static String fmt(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    public static String ratio(double value) {
        return String.format(Locale.ROOT, "%.2fx", value);
    }

    static String spread(Samples s, int decimals) {
        return fmt(s.min(), decimals) + "-" + fmt(s.max(), decimals) + " (" + fmt(s.quantile(0.25), decimals) + "-"
                + fmt(s.quantile(0.75), decimals) + "), n=" + s.count();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
