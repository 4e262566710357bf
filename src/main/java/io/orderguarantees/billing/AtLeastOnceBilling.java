package io.orderguarantees.billing;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * At-least-once: channel {@code billing-at-least-once} (group of the same name, {@code batch=true},
 * {@code commit-strategy=throttled}) to {@code invoices-at-least-once}. A polled batch is acknowledged only once every
 * one of its orders has its invoice (or dead letter) written, and the throttled strategy commits only acknowledged
 * offsets: a crash in between re-delivers the batch's orders, and those already invoiced are invoiced twice.
 */
@ApplicationScoped
public class AtLeastOnceBilling {

    private final MutinyEmitter<Object> invoices;
    private final RecordInvoicing invoicing;
    private final Faults faults;

    AtLeastOnceBilling(@Channel("invoices-at-least-once") MutinyEmitter<Object> invoices, RecordInvoicing invoicing,
            Faults faults) {
        this.invoices = invoices;
        this.invoicing = invoicing;
        this.faults = faults;
    }

    @Incoming("billing-at-least-once")
    @Acknowledgment(Acknowledgment.Strategy.POST_PROCESSING)
    public Uni<Void> bill(ConsumerRecords<String, String> batch) {
        return Multi.createFrom().iterable(batch).onItem().transformToUni(record -> {
            faults.crashAt(Pipeline.AT_LEAST_ONCE, CrashPoint.BEFORE_PROCESSING);
            return invoicing.bill(Pipeline.AT_LEAST_ONCE, record, invoices);
        }).merge(RecordInvoicing.IN_FLIGHT).collect().last().replaceWithVoid();
    }
}
