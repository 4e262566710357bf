package io.orderguarantees.billing;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.orderguarantees.OrderGuaranteesConfig;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigUtils;

/**
 * Real faults for the dev and test profiles. A crash halts the process ({@link Runtime#halt}: no shutdown hooks,
 * nothing committed or flushed on the way out), and whatever restarts it finds only what Kafka kept. Transient
 * failures make billing attempts fail; a hang leaves one record's processing unfinished for ever.
 */
@Startup
@ApplicationScoped
public class Faults {

    private static final Logger LOG = Logger.getLogger(Faults.class);
    /** The exit status of a halted process, as after SIGKILL, so that a harness can tell the crash happened. */
    public static final int EXIT_STATUS = 137;

    private record Armed(CrashPoint crashPoint, int crashAfterRecords, AtomicInteger reached, int failingAttempts,
            Map<String, AtomicInteger> attempts, int hangAfterRecords, AtomicInteger started) {
    }

    private final Map<Pipeline, Armed> armed = new EnumMap<>(Pipeline.class);

    Faults(OrderGuaranteesConfig config) {
        config.billing().faults().forEach((pipelineId, faults) -> {
            Pipeline pipeline = Pipeline.byId(pipelineId).orElseThrow(() -> new IllegalArgumentException(
                    "order-guarantees.billing.faults: unknown pipeline '" + pipelineId + "'"));
            CrashPoint point = faults.crashPoint().map(CrashPoint::byId).orElse(null);
            if (point == null && faults.failingAttempts() == 0 && faults.hangAfterRecords() == 0) {
                return;
            }
            if (!ConfigUtils.isProfileActive("dev") && !ConfigUtils.isProfileActive("test")) {
                throw new IllegalStateException("order-guarantees.billing.faults." + pipelineId
                        + " is set, but faults can be injected only in the dev and test profiles");
            }
            if (point != null && !pipeline.crashPoints().contains(point)) {
                throw new IllegalArgumentException(pipelineId + " has no moment " + point.id() + "; its crash points are "
                        + pipeline.crashPoints().stream().map(CrashPoint::id).toList());
            }
            armed.put(pipeline, new Armed(point, faults.crashAfterRecords(), new AtomicInteger(),
                    faults.failingAttempts(), new ConcurrentHashMap<>(), faults.hangAfterRecords(), new AtomicInteger()));
            LOG.warnf("Faults armed for %s: crash at %s of record %d, %d failing attempts per order, hang at record %d",
                    pipelineId, point == null ? "-" : point.id(), faults.crashAfterRecords(), faults.failingAttempts(),
                    faults.hangAfterRecords());
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

    /** Whether the record whose processing starts now is the one to hang. */
    public boolean hangs(Pipeline pipeline) {
        Armed faults = armed.get(pipeline);
        return faults != null && faults.hangAfterRecords() > 0
                && faults.started().incrementAndGet() == faults.hangAfterRecords();
    }
}
