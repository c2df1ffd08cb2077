package io.github.flowisesso.bench;

import java.util.List;

/**
 * Variant A against baseline B, both measured in the same interleaved rounds, and A against a second series of A
 * (A') from the same rounds for the noise floor. Figures are ratios of medians and of 95th percentiles (and the
 * median of the per-round ratios A/B as a cross-check).
 */
record Comparison(String name, Samples a, Samples b, Samples aPrime) {

    double medianRatio() {
        return a.median() / b.median();
    }

    double p95Ratio() {
        return a.p95() / b.p95();
    }

    double pairedMedianRatio() {
        return Samples.pairRatios(a, b).median();
    }

    double noiseMedianRatio() {
        return aPrime == null ? Double.NaN : a.median() / aPrime.median();
    }

    double noiseP95Ratio() {
        return aPrime == null ? Double.NaN : a.p95() / aPrime.p95();
    }

    static List<String> header(String aLabel, String bLabel) {
        return List.of("measurement", "n (per variant)", aLabel + " median", bLabel + " median", "ratio of medians",
            aLabel + " p95", bLabel + " p95", "ratio of p95", "median of per-round ratios", "A/A' noise floor (median, p95)");
    }

    /** A row of durations in nanoseconds. */
    List<String> durationRow() {
        return List.of(name, String.valueOf(a.n()), Report.ms(a.median()), Report.ms(b.median()), Report.ratio(medianRatio()),
            Report.ms(a.p95()), Report.ms(b.p95()), Report.ratio(p95Ratio()), Report.ratio(pairedMedianRatio()),
            aPrime == null ? "–" : Report.ratio(noiseMedianRatio()) + ", " + Report.ratio(noiseP95Ratio()));
    }
}
