package io.orderguarantees.billing;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

import io.orderguarantees.shared.Order;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.mutiny.Uni;

/**
 * Bills one order. An attempt that fails, or takes over 2 s, is retried with exponential backoff; when the retries
 * are spent the failure reaches the pipeline, which tries again later ({@link BillingRetries}): only a record that can
 * never be billed goes to the dead-letter topic.
 */
@ApplicationScoped
public class InvoiceCalculator {

    private final Faults faults;

    InvoiceCalculator(Faults faults) {
        this.faults = faults;
    }

    @Timeout(value = 2, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 3, delay = 100)
    @ExponentialBackoff(factor = 2, maxDelay = 2000)
    public Uni<Invoice> invoice(Order order, int partition, long offset, Pipeline pipeline) {
        return Uni.createFrom().item(() -> {
            faults.attempt(pipeline, order.orderId());
            return Invoice.of(order, partition, offset, pipeline);
        });
    }
}
