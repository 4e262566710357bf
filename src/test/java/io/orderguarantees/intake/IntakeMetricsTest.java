package io.orderguarantees.intake;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The meters kept per tag set: each outcome of each acks and send style lands on its own meter, and only there. */
class IntakeMetricsTest {

    @Test
    void everyOutcomeIsCountedUnderItsOwnTagsAndTheKeptMetersAreTheRegistrysOwn() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        IntakeMetrics metrics = new IntakeMetrics(registry);

        metrics.completed(Acks.ALL, SendStyle.SYNC, System.nanoTime(), null);
        metrics.completed(Acks.ALL, SendStyle.SYNC, System.nanoTime(), null);
        metrics.completed(Acks.ALL, SendStyle.SYNC, System.nanoTime(), new RuntimeException("refused"));
        metrics.completed(Acks.ONE, SendStyle.ASYNC, System.nanoTime(), null);
        metrics.handedOver(Acks.ZERO, SendStyle.FIRE_AND_FORGET);
        metrics.refused(Acks.ALL, SendStyle.ASYNC);

        assertThat(count(registry, "all", "sync", "acked")).isEqualTo(2);
        assertThat(count(registry, "all", "sync", "failed")).isEqualTo(1);
        assertThat(count(registry, "1", "async", "acked")).isEqualTo(1);
        assertThat(count(registry, "0", "fire-and-forget", "handed-over")).isEqualTo(1);
        assertThat(count(registry, "all", "async", "refused")).isEqualTo(1);
        assertThat(registry.find("orders.published").counters()).as("no other tag set").hasSize(5);
        assertThat(registry.get("orders.delivery").tags("acks", "all", "send", "sync", "outcome", "acked").timer()
                .count()).isEqualTo(2);
        assertThat(registry.get("orders.delivery").tags("acks", "all", "send", "sync", "outcome", "failed").timer()
                .count()).isEqualTo(1);
        assertThat(registry.find("orders.delivery").timers()).hasSize(3);
    }

    private static double count(SimpleMeterRegistry registry, String acks, String send, String outcome) {
        return registry.get("orders.published").tags("acks", acks, "send", send, "outcome", outcome).counter().count();
    }
}
