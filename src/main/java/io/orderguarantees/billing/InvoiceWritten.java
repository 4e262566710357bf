package io.orderguarantees.billing;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.orderguarantees.operate.DashboardEvent;
import io.orderguarantees.operate.DashboardEvents;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.OutgoingInterceptor;

/**
 * The moment an invoice is acknowledged by the broker and its order's offset not yet committed: SmallRye calls an
 * outgoing interceptor's {@code onMessageAck} once the send completed: for the last invoice of a batch, possibly after
 * the batch was acknowledged, but before at-least-once's throttled strategy commits it (on its next tick, up to a
 * second later; a crash there finds nothing committed but in a window of a few microseconds). For exactly-once it is
 * inside the open transaction: the invoice is in the log, uncommitted. Counted here, and a crash point.
 */
abstract class InvoiceWritten implements OutgoingInterceptor {

    private final Pipeline pipeline;
    private final Faults faults;
    private final BillingMetrics metrics;
    private final DashboardEvents events;

    InvoiceWritten(Pipeline pipeline, Faults faults, BillingMetrics metrics, DashboardEvents events) {
        this.pipeline = pipeline;
        this.faults = faults;
        this.metrics = metrics;
        this.events = events;
    }

    @Override
    public void onMessageAck(Message<?> message) {
        // every pipeline writes its dead letters through its invoice channel
        boolean deadLetter = message.getMetadata(OutgoingKafkaRecordMetadata.class)
                .map(metadata -> DeadLetters.TOPIC.equals(metadata.getTopic())).orElse(false);
        if (!deadLetter) {
            metrics.invoiceWritten(pipeline);
            if (message.getPayload() instanceof Invoice invoice) {
                events.publish(() -> DashboardEvent.invoice(invoice.orderId(), pipeline.id(), invoice.amount()));
            }
        }
        faults.crashAt(pipeline, CrashPoint.AFTER_PROCESSING_BEFORE_COMMIT);
    }

    @Override
    public void onMessageNack(Message<?> message, Throwable failure) {
        // A failed write is the pipeline's own failure path, not a crash point.
    }

    @Singleton
    @Identifier("invoices-at-most-once")
    static class AtMostOnce extends InvoiceWritten {
        AtMostOnce(Faults faults, BillingMetrics metrics, DashboardEvents events) {
            super(Pipeline.AT_MOST_ONCE, faults, metrics, events);
        }
    }

    @Singleton
    @Identifier("invoices-at-least-once")
    static class AtLeastOnce extends InvoiceWritten {
        AtLeastOnce(Faults faults, BillingMetrics metrics, DashboardEvents events) {
            super(Pipeline.AT_LEAST_ONCE, faults, metrics, events);
        }
    }

    @Singleton
    @Identifier("invoices-exactly-once")
    static class ExactlyOnce extends InvoiceWritten {
        ExactlyOnce(Faults faults, BillingMetrics metrics, DashboardEvents events) {
            super(Pipeline.EXACTLY_ONCE, faults, metrics, events);
        }
    }
}
