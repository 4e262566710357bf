package io.orderguarantees.intake;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@code orders.published} (counter: acks, send, outcome) and {@code orders.delivery} (timer from hand-over to the
 * producer's answer, with a histogram and p50/p99: acks, send, outcome). Outcomes: {@code acked}, {@code failed},
 * {@code handed-over} (fire-and-forget: nobody learns more), {@code refused} (the producer was saturated).
 * Each meter is looked up in the registry once, on its first use, and kept: the intake records one or two an order.
 */
@Singleton
class IntakeMetrics {

    private enum Outcome {
        ACKED("acked"), FAILED("failed"), HANDED_OVER("handed-over"), REFUSED("refused");

        final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }
    }

    private static final int METERS = Acks.values().length * SendStyle.values().length * Outcome.values().length;

    private final MeterRegistry registry;
    private final AtomicReferenceArray<Counter> counters = new AtomicReferenceArray<>(METERS);
    private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(METERS);

    IntakeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void handedOver(Acks acks, SendStyle send) {
        counter(acks, send, Outcome.HANDED_OVER).increment();
    }

    void refused(Acks acks, SendStyle send) {
        counter(acks, send, Outcome.REFUSED).increment();
    }

    void completed(Acks acks, SendStyle send, long startNanos, Throwable failure) {
        Outcome outcome = failure == null ? Outcome.ACKED : Outcome.FAILED;
        counter(acks, send, outcome).increment();
        timer(acks, send, outcome).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    private Counter counter(Acks acks, SendStyle send, Outcome outcome) {
        int i = index(acks, send, outcome);
        Counter counter = counters.get(i);
        if (counter == null) {
            // the registry gives every caller the same meter for the same name and tags: a race only looks it up twice
            counter = registry.counter("orders.published", "acks", acks.value(), "send", send.value(), "outcome",
                    outcome.tag);
            counters.set(i, counter);
        }
        return counter;
    }

    private Timer timer(Acks acks, SendStyle send, Outcome outcome) {
        int i = index(acks, send, outcome);
        Timer timer = timers.get(i);
        if (timer == null) {
            timer = Timer.builder("orders.delivery").description("From hand-over to the producer until its answer")
                    .tags("acks", acks.value(), "send", send.value(), "outcome", outcome.tag)
                    .publishPercentiles(0.5, 0.99).publishPercentileHistogram()
                    .register(registry);
            timers.set(i, timer);
        }
        return timer;
    }

    private static int index(Acks acks, SendStyle send, Outcome outcome) {
        return (acks.ordinal() * SendStyle.values().length + send.ordinal()) * Outcome.values().length
                + outcome.ordinal();
    }
}
