package io.orderguarantees.billing;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.orderguarantees.OrderGuaranteesConfig;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigUtils;

/**
 * Real crashes for the dev and test profiles: at the configured point the process halts ({@link Runtime#halt}: no
 * shutdown hooks, nothing committed or flushed on the way out), and whatever restarts it finds only what Kafka kept.
 */
@Startup
@ApplicationScoped
public class Crashes {

    private static final Logger LOG = Logger.getLogger(Crashes.class);
    /** The exit status of a halted process, as after SIGKILL, so that a harness can tell the crash happened. */
    public static final int EXIT_STATUS = 137;

    private record Armed(CrashPoint point, int afterRecords, AtomicInteger seen) {
    }

    private final Map<Pipeline, Armed> armed = new EnumMap<>(Pipeline.class);

    Crashes(OrderGuaranteesConfig config) {
        config.billing().crash().forEach((pipelineId, crash) -> crash.point().ifPresent(pointId -> {
            Pipeline pipeline = Pipeline.byId(pipelineId).orElseThrow(() -> new IllegalArgumentException(
                    "order-guarantees.billing.crash: unknown pipeline '" + pipelineId + "'"));
            CrashPoint point = CrashPoint.byId(pointId);
            if (!ConfigUtils.isProfileActive("dev") && !ConfigUtils.isProfileActive("test")) {
                throw new IllegalStateException("order-guarantees.billing.crash." + pipelineId
                        + " is set, but crash points exist only in the dev and test profiles");
            }
            if (!pipeline.crashPoints().contains(point)) {
                throw new IllegalArgumentException(pipelineId + " has no moment " + point.id() + "; its crash points are "
                        + pipeline.crashPoints().stream().map(CrashPoint::id).toList());
            }
            armed.put(pipeline, new Armed(point, crash.afterRecords(), new AtomicInteger()));
            LOG.warnf("Crash armed: %s halts at %s of record %d", pipelineId, point.id(), crash.afterRecords());
        }));
    }

    /** Halts the process if this is the armed point of the pipeline and its Nth record got here. */
    public void at(Pipeline pipeline, CrashPoint point) {
        Armed crash = armed.get(pipeline);
        if (crash != null && crash.point() == point && crash.seen().incrementAndGet() == crash.afterRecords()) {
            LOG.errorf("Crash point %s of %s reached at record %d: halting", point.id(), pipeline.id(),
                    crash.afterRecords());
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }
}
