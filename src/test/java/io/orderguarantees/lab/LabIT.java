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

        assertThat(results).as("every fault happened as designed").allSatisfy(r -> assertThat(r.valid())
                .as(r.scenario() + ": " + r.note()).isTrue());
        assertThat(results).filteredOn(r -> r.setting().startsWith("acks=all")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.lost()).as(r.scenario()).isZero());
        // A client's retry is a second record: the topic pipelines promise nothing per order id, only per record, and
        // their rows of the retrying-client scenario show what that costs. The ledger promises it per order id.
        assertThat(results).filteredOn(r -> r.setting().equals("exactly-once")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.lost()).as(r.scenario()).isZero())
                .filteredOn(r -> !r.scenario().startsWith(RETRYING_CLIENT))
                .allSatisfy(r -> assertThat(r.duplicated()).as(r.scenario()).isZero());
        assertThat(results).filteredOn(r -> r.setting().equals("ledger")).isNotEmpty()
                .allSatisfy(r -> assertThat(List.of(r.lost(), r.duplicated())).as(r.scenario()).containsOnly(0));
        assertThat(results).filteredOn(r -> r.setting().equals("at-least-once")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.lost()).as(r.scenario()).isZero());
        assertThat(results).filteredOn(r -> r.setting().equals("at-most-once")).isNotEmpty()
                .filteredOn(r -> !r.scenario().startsWith(RETRYING_CLIENT))
                .allSatisfy(r -> assertThat(r.duplicated()).as(r.scenario()).isZero());
        assertThat(settings.output().resolve("results.json")).exists();
        assertThat(settings.output().resolve("results.md")).exists();
        assertThat(settings.output().resolve("lost-duplicated.svg")).exists();
    }
}
