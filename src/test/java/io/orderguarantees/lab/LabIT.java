package io.orderguarantees.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The lab's short form ({@code ./mvnw verify}) or its full run ({@code ./mvnw verify -Plab}): on a real 3-broker
 * cluster with real faults, no setting loses or duplicates what it promises to keep, and every fault really happened.
 */
class LabIT {

    private static final String RETRYING_CLIENT = "retrying client";

    @Test
    void noGuaranteeIsBrokenUnderRealFaultsAndEveryFaultHappened() {
        Lab.Settings settings = Lab.Settings.fromSystemProperties();
        List<LabResult> results = Lab.run(settings);
        // every setting has rows, unless one scenario was asked for (-Dlab.only)
        int atLeast = settings.only().isPresent() ? 0 : 1;

        assertThat(results).as("every fault happened as designed").allSatisfy(r -> assertThat(r.valid())
                .as(r.scenario() + ": " + r.note()).isTrue());
        // lost is counted among acknowledged orders: a service that acknowledged nothing would lose nothing
        assertThat(results).as("nearly every order acknowledged, as in every healthy run so far (all of them)")
                .allSatisfy(r -> assertThat(r.acknowledged()).as(r.scenario())
                        .isGreaterThanOrEqualTo(r.sent() * 95 / 100).isPositive());
        assertThat(results).filteredOn(r -> r.setting().startsWith("acks=all")).hasSizeGreaterThanOrEqualTo(atLeast)
                .allSatisfy(r -> assertThat(List.of(r.lost(), r.duplicated())).as(r.scenario()).containsOnly(0));
        // A client's retry is a second record: the topic pipelines promise nothing per order id, only per record, and
        // their rows of the retrying-client scenario show what that costs. The ledger promises it per order id.
        assertThat(results).filteredOn(r -> r.setting().equals("exactly-once")).hasSizeGreaterThanOrEqualTo(atLeast)
                .allSatisfy(r -> assertThat(r.lost()).as(r.scenario()).isZero())
                .filteredOn(r -> !r.scenario().startsWith(RETRYING_CLIENT))
                .allSatisfy(r -> assertThat(r.duplicated()).as(r.scenario()).isZero());
        assertThat(results).filteredOn(r -> r.setting().equals("ledger")).hasSizeGreaterThanOrEqualTo(atLeast)
                .allSatisfy(r -> assertThat(List.of(r.lost(), r.duplicated())).as(r.scenario()).containsOnly(0));
        assertThat(results).filteredOn(r -> r.setting().equals("at-least-once")).hasSizeGreaterThanOrEqualTo(atLeast)
                .allSatisfy(r -> assertThat(r.lost()).as(r.scenario()).isZero());
        assertThat(results).filteredOn(r -> r.setting().equals("at-most-once")).hasSizeGreaterThanOrEqualTo(atLeast)
                .filteredOn(r -> !r.scenario().startsWith(RETRYING_CLIENT))
                .allSatisfy(r -> assertThat(r.duplicated()).as(r.scenario()).isZero());
        assertThat(settings.output().resolve("results.json")).exists();
        assertThat(settings.output().resolve("results.md")).exists();
        assertThat(settings.output().resolve("lost-duplicated.svg")).exists();
    }
}
