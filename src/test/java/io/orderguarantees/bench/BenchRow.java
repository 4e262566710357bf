package io.orderguarantees.bench;

import java.util.List;

/**
 * One line of the benchmark's table: the median of {@code runs} interleaved runs, and its same-run ratio to
 * {@code baseline} (the median of the per-run ratios, each taken between neighbouring runs).
 */
record BenchRow(String group, String scenario, int n, int runs, double perSecond, String baseline, Double ratio,
        Double p50Ms, Double p99Ms, Double maxMs, List<Double> samples, String note) {

    static BenchRow throughput(String group, String scenario, int n, List<Double> samples, String baseline,
            Double ratio, String note) {
        return new BenchRow(group, scenario, n, samples.size(), Stats.median(samples), baseline, ratio, null, null, null,
                samples, note);
    }
}
