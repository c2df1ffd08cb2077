package io.github.flowisesso.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Measurements of one variant (durations in nanoseconds, or rates), with the order statistics the report uses. */
final class Samples {

    private final List<Double> values = new ArrayList<>();

    synchronized void add(double value) {
        values.add(value);
    }

    synchronized int n() {
        return values.size();
    }

    synchronized List<Double> values() {
        return List.copyOf(values);
    }

    double median() {
        return quantile(0.5);
    }

    double p95() {
        return quantile(0.95);
    }

    /** Nearest-rank quantile. */
    synchronized double quantile(double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    synchronized double sum() {
        return values.stream().mapToDouble(Double::doubleValue).sum();
    }

    /** Per-pair ratios a[i] / b[i] of two series measured in the same rounds. */
    static Samples pairRatios(Samples a, Samples b) {
        List<Double> x = a.values();
        List<Double> y = b.values();
        Samples ratios = new Samples();
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            ratios.add(x.get(i) / y.get(i));
        }
        return ratios;
    }
}
