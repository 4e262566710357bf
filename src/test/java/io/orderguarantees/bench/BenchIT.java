package io.orderguarantees.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The benchmark at its tiny size ({@code ./mvnw verify}) or full ({@code ./mvnw verify -Pbench}). Numbers are not
 * asserted, only that every variant ran, delivered everything it sent, and was reported.
 */
class BenchIT {

    @Test
    void everyVariantRunsDeliversWhatItSentAndIsReported() throws Exception {
        Bench.Settings settings = Bench.Settings.fromSystemProperties();
        Bench.Results results = Bench.run(settings);

        assertThat(results.rows()).extracting(BenchRow::group).containsOnly("publish", "http", "billing", "audit");
        assertThat(results.rows()).hasSize(10 + 9 + 6 + 2).allSatisfy(row -> {
            assertThat(row.perSecond()).as(row.scenario()).isPositive();
            assertThat(row.runs()).as(row.scenario()).isEqualTo(settings.repeats());
            assertThat(row.ratio()).as(row.scenario()).isNotNull().isPositive();
        });
        assertThat(results.unacknowledgedPublishes()).as("publishes the broker did not acknowledge").isZero();
        assertThat(results.unexpectedHttpAnswers()).as("HTTP answers other than 201 (sync) or 202 (async)").isZero();
        assertThat(results.billingProblems()).as("orders billed twice or not at all, with no fault injected").isEmpty();
        assertThat(results.http().peakRssKib()).isPositive();
        assertThat(results.http().profile().samples()).isPositive();
        assertThat(results.publishProfiles()).containsOnlyKeys("raw", "emitter");
        // the bare loops are recorded at any size, the service's pipelines (but the ledger) in the full run
        assertThat(results.billingProfiles()).hasSize(settings.full() ? 5 : 2);
        assertThat(settings.output().resolve("results.json")).exists();
        assertThat(settings.output().resolve("results.md")).content().contains("## Goals", "## Results");
        assertThat(settings.output().resolve("billing-lag.svg")).content().contains("<polyline");
        assertThat(settings.output().resolve("cluster")).as("the benchmark's topics are deleted").doesNotExist();
    }
}
