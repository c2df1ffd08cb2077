package io.github.flowisesso.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToLongFunction;

/**
 * Runs variants in rounds, each round once every variant, in an order shuffled from round to round (seeded, so a
 * run can be repeated), so that drift of the machine falls on every variant alike and no variant always runs
 * first or always after the same other one (a fixed rotation keeps neighbours fixed, and what one variant leaves
 * behind, garbage or a busy database backend, then always lands on the same next one). Bounded in rounds and in
 * time; warm-up rounds are run and thrown away.
 */
final class Interleaved {

    /** One variant: a name and the measurement of sample {@code i} (nanoseconds). */
    record Variant(String name, IntToLongFunction measure) {
    }

    /** What a run measured; {@code stoppedEarly} when the time budget ended it before all rounds. */
    record Result(Map<String, Samples> samples, int rounds, boolean stoppedEarly, Duration took) {

        Samples of(String variant) {
            return samples.get(variant);
        }
    }

    private Interleaved() {
    }

    static Result run(List<Variant> variants, int warmupRounds, int rounds, Duration budget) {
        long start = System.nanoTime();
        int sample = 0;
        java.util.Random order = new java.util.Random(20261126L);
        for (int round = 0; round < warmupRounds; round++) {
            for (Variant variant : shuffled(variants, order)) {
                variant.measure().applyAsLong(sample++);
            }
        }
        Map<String, Samples> samples = new LinkedHashMap<>();
        variants.forEach(v -> samples.put(v.name(), new Samples()));
        long deadline = System.nanoTime() + budget.toNanos();
        int done = 0;
        for (int round = 0; round < rounds; round++) {
            if (System.nanoTime() > deadline) {
                break;
            }
            for (Variant variant : shuffled(variants, order)) {
                samples.get(variant.name()).add(variant.measure().applyAsLong(sample++));
            }
            done++;
        }
        return new Result(samples, done, done < rounds, Duration.ofNanos(System.nanoTime() - start));
    }

    /** The raw samples as CSV (round, variant, nanos), for whoever wants to look at the distributions. */
    static void writeCsv(java.nio.file.Path file, Result result) {
        StringBuilder csv = new StringBuilder("round,variant,nanos\n");
        result.samples().forEach((variant, samples) -> {
            List<Double> values = samples.values();
            for (int i = 0; i < values.size(); i++) {
                csv.append(i).append(',').append(variant).append(',').append(values.get(i).longValue()).append('\n');
            }
        });
        try {
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.writeString(file, csv);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static <T> List<T> shuffled(List<T> items, java.util.Random random) {
        List<T> out = new ArrayList<>(items);
        java.util.Collections.shuffle(out, random);
        return out;
    }

    static <T> List<T> rotated(List<T> items, int round) {
        List<T> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(items.get((i + round) % items.size()));
        }
        return out;
    }
}
