package io.orderguarantees.billing;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.orderguarantees.OrderGuaranteesConfig;
import io.orderguarantees.shared.TestOnly;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * Real faults for the dev and test profiles. A crash halts the process ({@link Runtime#halt}: no shutdown hooks,
 * nothing committed or flushed on the way out), and whatever restarts it finds only what Kafka kept. Transient
 * failures make billing attempts fail; a stall holds one record's processing back, for a while or for ever.
 */
@Startup
@ApplicationScoped
public class Faults {

    private static final Logger LOG = Logger.getLogger(Faults.class);
    /** The exit status of a halted process, as after SIGKILL, so that a harness can tell the crash happened. */
    public static final int EXIT_STATUS = 137;

    private record Armed(CrashPoint crashPoint, int crashAfterRecords, AtomicInteger reached, int failingAttempts,
            Map<String, AtomicInteger> attempts, int stallAfterRecords, long stallMs, AtomicInteger started) {
    }

    private final Map<Pipeline, Armed> armed = new EnumMap<>(Pipeline.class);

    Faults(OrderGuaranteesConfig config) {
        config.billing().faults().forEach((pipelineId, faults) -> {
            Pipeline pipeline = Pipeline.byId(pipelineId).orElseThrow(() -> new IllegalArgumentException(
                    "order-guarantees.billing.faults: unknown pipeline '" + pipelineId + "'"));
            CrashPoint point = faults.crashPoint().map(CrashPoint::byId).orElse(null);
            if (point == null && faults.failingAttempts() == 0 && faults.stallAfterRecords() == 0) {
                return;
            }
            if (!TestOnly.allowed()) {
                throw new IllegalStateException("order-guarantees.billing.faults." + pipelineId
                        + " is set, but faults can be injected only in the dev and test profiles");
            }
            if (point != null && !pipeline.crashPoints().contains(point)) {
                throw new IllegalArgumentException(pipelineId + " has no moment " + point.id() + "; its crash points are "
                        + pipeline.crashPoints().stream().map(CrashPoint::id).toList());
            }
            armed.put(pipeline, new Armed(point, faults.crashAfterRecords(), new AtomicInteger(),
                    faults.failingAttempts(), new ConcurrentHashMap<>(), faults.stallAfterRecords(), faults.stallMs(),
                    new AtomicInteger()));
            LOG.warnf("Faults armed for %s: crash at %s of record %d, %d failing attempts per order, stall of %d ms "
                    + "(0: for ever) at record %d", pipelineId, point == null ? "-" : point.id(),
                    faults.crashAfterRecords(), faults.failingAttempts(), faults.stallMs(), faults.stallAfterRecords());
        });
    }

    /** Halts the process if this is the armed crash point of the pipeline and its Nth record got here. */
    public void crashAt(Pipeline pipeline, CrashPoint point) {
        Armed faults = armed.get(pipeline);
        if (faults != null && faults.crashPoint() == point
                && faults.reached().incrementAndGet() == faults.crashAfterRecords()) {
            LOG.errorf("Crash point %s of %s reached at record %d: halting", point.id(), pipeline.id(),
                    faults.crashAfterRecords());
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }

    /** Throws a transient failure for each order's first {@code failing-attempts} billing attempts. */
    public void attempt(Pipeline pipeline, String orderId) {
        Armed faults = armed.get(pipeline);
        if (faults != null && faults.failingAttempts() > 0) {
            int attempt = faults.attempts().computeIfAbsent(orderId, id -> new AtomicInteger()).incrementAndGet();
            if (attempt <= faults.failingAttempts()) {
                throw new TransientBillingException("injected transient failure, attempt " + attempt + " of order "
                        + orderId);
            }
        }
    }

    /** Completes at once, except for the record chosen to stall: later, or never. */
    public Uni<Void> stall(Pipeline pipeline) {
        Armed faults = armed.get(pipeline);
        if (faults == null || faults.stallAfterRecords() == 0
                || faults.started().incrementAndGet() != faults.stallAfterRecords()) {
            return Uni.createFrom().voidItem();
        }
        LOG.warnf("Record %d of %s stalls for %s", faults.stallAfterRecords(), pipeline.id(),
                faults.stallMs() == 0 ? "ever" : faults.stallMs() + " ms");
        return faults.stallMs() == 0 ? Uni.createFrom().nothing()
                : Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(faults.stallMs()));
    }
}
