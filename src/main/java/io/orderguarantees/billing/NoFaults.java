package io.orderguarantees.billing;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.orderguarantees.OrderGuaranteesConfig;
import io.quarkus.arc.properties.UnlessBuildProperty;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * The shipped build's faults: none. A faults setting stops the service at start, in any profile, rather than be
 * ignored: whoever set it believes something is being tested. Checked first ({@code @Startup(1)}), before anything
 * connects to Kafka or the database: measured, a refusal that came after the channels had started took about 15 s
 * to end the process, against about 3 s now.
 */
@Startup(1)
@ApplicationScoped
@UnlessBuildProperty(name = Faults.LAB_BUILD, stringValue = "true", enableIfMissing = true)
public class NoFaults implements Faults {

    NoFaults(OrderGuaranteesConfig config) {
        List<String> set = config.billing().faults().entrySet().stream()
                .filter(fault -> fault.getValue().crashPoint().isPresent() || fault.getValue().failingAttempts() > 0
                        || fault.getValue().stallAfterRecords() > 0)
                .map(fault -> "order-guarantees.billing.faults." + fault.getKey()).sorted().toList();
        if (!set.isEmpty()) {
            throw new IllegalStateException(String.join(", ", set) + (set.size() == 1 ? " is" : " are")
                    + " set, but this build has no fault injection: only the lab build has (dev mode, the tests)");
        }
    }

    @Override
    public void crashAt(Pipeline pipeline, CrashPoint point) {
        // nothing to halt for
    }

    @Override
    public void attempt(Pipeline pipeline, String orderId) {
        // no failure to inject
    }

    @Override
    public Uni<Void> stall(Pipeline pipeline) {
        return Uni.createFrom().voidItem();
    }
}
