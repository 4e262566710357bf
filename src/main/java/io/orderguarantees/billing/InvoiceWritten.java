package io.orderguarantees.billing;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.OutgoingInterceptor;

/**
 * The moment an invoice is acknowledged by the broker and its order's offset not yet committed: SmallRye calls an
 * outgoing interceptor's {@code onMessageAck} before the acknowledgement travels back to the incoming record. For
 * exactly-once that is inside the open transaction: the invoice is in the log, uncommitted.
 */
abstract class InvoiceWritten implements OutgoingInterceptor {

    private final Pipeline pipeline;
    private final Faults faults;

    InvoiceWritten(Pipeline pipeline, Faults faults) {
        this.pipeline = pipeline;
        this.faults = faults;
    }

    @Override
    public void onMessageAck(Message<?> message) {
        faults.crashAt(pipeline, CrashPoint.AFTER_PROCESSING_BEFORE_COMMIT);
    }

    @Override
    public void onMessageNack(Message<?> message, Throwable failure) {
        // A failed write is the pipeline's own failure path, not a crash point.
    }

    @Singleton
    @Identifier("invoices-at-least-once")
    static class AtLeastOnce extends InvoiceWritten {
        AtLeastOnce(Faults faults) {
            super(Pipeline.AT_LEAST_ONCE, faults);
        }
    }

    @Singleton
    @Identifier("invoices-exactly-once")
    static class ExactlyOnce extends InvoiceWritten {
        ExactlyOnce(Faults faults) {
            super(Pipeline.EXACTLY_ONCE, faults);
        }
    }
}
