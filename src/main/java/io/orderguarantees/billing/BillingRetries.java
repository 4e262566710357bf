package io.orderguarantees.billing;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * A billing attempt that failed for a reason that may pass (anything but a {@link PoisonRecordException}) is tried
 * again, with backoff, instead of sending the order to the dead-letter topic, where it would never be billed. While
 * a pipeline has orders waiting so, readiness is DOWN and names it, and {@code billing.retries} counts the attempts.
 */
@ApplicationScoped
public class BillingRetries {

    private static final Logger LOG = Logger.getLogger(BillingRetries.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final int NEW = 0;
    private static final int WAITING = 1;
    private static final int DONE = 2;

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> waiting = new ConcurrentHashMap<>();
    private final Map<String, String> lastFailure = new ConcurrentHashMap<>();

    BillingRetries(MeterRegistry registry) {
        this.registry = registry;
    }

    static boolean mayPass(Throwable failure) {
        return !(failure instanceof PoisonRecordException);
    }

    /**
     * {@code attempt}, made again after each failure that may pass, until it succeeds, fails for good, or
     * {@code giveUpAt} has come (null: never; the pipeline's own guard then decides, as at-least-once's
     * unprocessed-record age does). The deadline is checked between attempts.
     */
    <T> Uni<T> untilDone(Pipeline pipeline, Supplier<Uni<T>> attempt, Instant giveUpAt) {
        return untilDone(pipeline.id(), attempt, giveUpAt);
    }

    /** As {@link #untilDone(Pipeline, Supplier, Instant)}, for a pipeline without an invoice topic (the ledger). */
    public <T> Uni<T> untilDone(String pipeline, Supplier<Uni<T>> attempt, Instant giveUpAt) {
        AtomicInteger waitingHere = waiting.computeIfAbsent(pipeline, id -> new AtomicInteger());
        // NEW, then WAITING once counted, then DONE: a failure seen after the end (a cancellation racing it) is not
        // counted, and the end takes back only what was counted.
        AtomicInteger state = new AtomicInteger(NEW);
        var retried = Uni.createFrom().<T> deferred(attempt::get).onFailure(BillingRetries::mayPass).invoke(failure -> {
            if (state.compareAndSet(NEW, WAITING)) {
                waitingHere.incrementAndGet();
                LOG.warnf("%s: billing failed (%s), trying again until it passes", pipeline, failure.toString());
            }
            lastFailure.put(pipeline, failure.toString());
            registry.counter("billing.retries", "pipeline", pipeline).increment();
        }).onFailure(BillingRetries::mayPass).retry().withBackOff(FIRST_BACKOFF, MAX_BACKOFF);
        Uni<T> bounded = giveUpAt == null ? retried.indefinitely() : retried.expireAt(giveUpAt.toEpochMilli());
        return bounded.onTermination().invoke(() -> {
            if (state.getAndSet(DONE) == WAITING) {
                waitingHere.decrementAndGet();
            }
        });
    }

    /** Readiness: DOWN while a pipeline has orders waiting to be billed again. */
    @Produces
    @Readiness
    HealthCheck readiness() {
        return this::health;
    }

    private HealthCheckResponse health() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("billing-retries").up();
        waiting.forEach((pipeline, count) -> {
            if (count.get() > 0) {
                response.down().withData(pipeline, count.get() + " order(s) waiting to be billed again, last "
                        + "failure: " + lastFailure.get(pipeline));
            }
        });
        return response.build();
    }
}
