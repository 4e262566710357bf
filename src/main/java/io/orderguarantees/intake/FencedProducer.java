package io.orderguarantees.intake;

import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * The {@code orders-tx} producer, once fenced (another producer took its {@code transactional.id}, or the broker
 * aborted a transaction that ran past {@code transaction.timeout.ms}), can never commit again: SmallRye cannot make a
 * new one. Liveness is then DOWN, so that an orchestrator restarts the instance, instead of every later batch failing
 * while the instance looks alive.
 */
@ApplicationScoped
public class FencedProducer {

    private final AtomicReference<Throwable> fenced = new AtomicReference<>();

    /** Whether {@code failure} (or a cause) is one the producer cannot recover from; remembered if so. */
    boolean recordIfFenced(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
                fenced.compareAndSet(null, t);
                return true;
            }
        }
        return false;
    }

    @Produces
    @Liveness
    HealthCheck liveness() {
        return () -> {
            Throwable cause = fenced.get();
            return cause == null ? HealthCheckResponse.up("orders-tx")
                    : HealthCheckResponse.named("orders-tx").down().withData("orders-tx", "fenced (" + cause
                            + "): no batch can be committed until the instance restarts with its instance id").build();
        };
    }
}
