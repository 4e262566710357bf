package io.orderguarantees.billing;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Outgoing;

import io.orderguarantees.shared.Order;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * At-least-once: channel {@code billing-at-least-once} (group of the same name, {@code commit-strategy=throttled})
 * to {@code invoices-at-least-once}. An order is acknowledged only once its invoice is written, and the throttled
 * strategy commits only acknowledged offsets: a crash in between re-delivers the order, and it is invoiced twice.
 */
@ApplicationScoped
public class AtLeastOnceBilling {

    private final OrderDecoder decoder;
    private final InvoiceCalculator calculator;
    private final Faults faults;
    private final BillingRetries retries;

    AtLeastOnceBilling(OrderDecoder decoder, InvoiceCalculator calculator, Faults faults, BillingRetries retries) {
        this.decoder = decoder;
        this.calculator = calculator;
        this.faults = faults;
        this.retries = retries;
    }

    @Incoming("billing-at-least-once")
    @Outgoing("invoices-at-least-once")
    @Acknowledgment(Acknowledgment.Strategy.POST_PROCESSING)
    public Uni<Record<String, Invoice>> bill(ConsumerRecord<String, String> record) {
        faults.crashAt(Pipeline.AT_LEAST_ONCE, CrashPoint.BEFORE_PROCESSING);
        return faults.stall(Pipeline.AT_LEAST_ONCE).chain(() -> {
            Order order = decoder.decode(record.topic(), record.partition(), record.offset(), record.key(),
                    record.value());
            return retries.untilDone(Pipeline.AT_LEAST_ONCE,
                    () -> calculator.invoice(order, record.partition(), record.offset(), Pipeline.AT_LEAST_ONCE), null)
                    .map(invoice -> Record.of(order.customerId(), invoice));
        });
    }
}
