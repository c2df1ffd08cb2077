package io.github.flowisesso.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The generated docs/benchmarks.md: sections of prose and tables, filled in as the benchmarks run. */
final class Report {

    /** A goal line for the summary: what, the figure, the goal, met or not. */
    record Goal(String what, String figure, String goal, boolean met) {
    }

    private final StringBuilder body = new StringBuilder();
    private final List<Goal> goals = new ArrayList<>();

    void section(String title) {
        body.append("\n## ").append(title).append("\n\n");
    }

    void subsection(String title) {
        body.append("\n### ").append(title).append("\n\n");
    }

    void paragraph(String text) {
        body.append(text.strip()).append("\n\n");
    }

    void table(List<String> header, List<List<String>> rows) {
        body.append("| ").append(String.join(" | ", header)).append(" |\n");
        body.append("|").append(" --- |".repeat(header.size())).append("\n");
        for (List<String> row : rows) {
            body.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        body.append("\n");
    }

    void goal(String what, String figure, String goal, boolean met) {
        goals.add(new Goal(what, figure, goal, met));
    }

    List<Goal> goals() {
        return goals;
    }

    /** The sections in the order of their numbers (1. … 5.), whatever order the benchmarks ran in. */
    String body() {
        String[] parts = body.toString().split("(?=\n## )");
        return java.util.Arrays.stream(parts)
            .sorted(java.util.Comparator.comparing(part -> part.strip().replaceFirst("^## ", "")))
            .collect(java.util.stream.Collectors.joining());
    }

    static String ms(double nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    static String msFine(double nanos) {
        return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
    }

    static String ratio(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    static String num(double value, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    static String yes(boolean met) {
        return met ? "**met**" : "**missed**";
    }
}
