package io.orderguarantees.intake;

import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@code orders.published} (counter: acks, send, outcome) and {@code orders.delivery} (timer from hand-over to the
 * producer's answer, with a histogram and p50/p99: acks, send, outcome). Outcomes: {@code acked}, {@code failed},
 * {@code handed-over} (fire-and-forget: nobody learns more), {@code refused} (the producer was saturated).
 */
@Singleton
class IntakeMetrics {

    private final MeterRegistry registry;

    IntakeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void handedOver(Acks acks, SendStyle send) {
        published(acks, send, "handed-over");
    }

    void refused(Acks acks, SendStyle send) {
        published(acks, send, "refused");
    }

    void completed(Acks acks, SendStyle send, long startNanos, Throwable failure) {
        String outcome = failure == null ? "acked" : "failed";
        published(acks, send, outcome);
        Timer.builder("orders.delivery").description("From hand-over to the producer until its answer")
                .tags("acks", acks.value(), "send", send.value(), "outcome", outcome)
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram()
                .register(registry).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    private void published(Acks acks, SendStyle send, String outcome) {
        registry.counter("orders.published", "acks", acks.value(), "send", send.value(), "outcome", outcome)
                .increment();
    }
}
