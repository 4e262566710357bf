package io.orderguarantees.billing;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.orderguarantees.OrderGuaranteesConfig;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * Real faults, in the lab build only ({@link Faults#LAB_BUILD}: dev mode, {@code @QuarkusTest} and the integration
 * tests' {@code target/lab-app}; never the jar users ship). A crash halts the process ({@link Runtime#halt}: no
 * shutdown hooks, nothing committed or flushed on the way out), and whatever restarts it finds only what Kafka kept.
 * Transient failures make billing attempts fail; a stall holds one record's processing back, for a while or for ever.
 */
@Startup
@ApplicationScoped
@IfBuildProperty(name = Faults.LAB_BUILD, stringValue = "true")
public class InjectedFaults implements Faults {

    private static final Logger LOG = Logger.getLogger(InjectedFaults.class);

    private record Armed(CrashPoint crashPoint, int crashAfterRecords, AtomicInteger reached, int failingAttempts,
            Map<String, AtomicInteger> attempts, int stallAfterRecords, long stallMs, AtomicInteger started) {
    }

    private final Map<Pipeline, Armed> armed = new EnumMap<>(Pipeline.class);

    InjectedFaults(OrderGuaranteesConfig config) {
        config.billing().faults().forEach((pipelineId, faults) -> {
            Pipeline pipeline = Pipeline.byId(pipelineId).orElseThrow(() -> new IllegalArgumentException(
                    "order-guarantees.billing.faults: unknown pipeline '" + pipelineId + "'"));
            CrashPoint point = faults.crashPoint().map(CrashPoint::byId).orElse(null);
            if (point == null && faults.failingAttempts() == 0 && faults.stallAfterRecords() == 0) {
                return;
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

    @Override
    public void crashAt(Pipeline pipeline, CrashPoint point) {
        Armed faults = armed.get(pipeline);
        if (faults != null && faults.crashPoint() == point
                && faults.reached().incrementAndGet() == faults.crashAfterRecords()) {
            LOG.errorf("Crash point %s of %s reached at record %d: halting", point.id(), pipeline.id(),
                    faults.crashAfterRecords());
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }

    @Override
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

    @Override
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
