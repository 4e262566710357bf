package io.orderguarantees.billing;


import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.orderguarantees.shared.AbortWitness;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;
import io.smallrye.reactive.messaging.kafka.transactions.TransactionalEmitter;

/**
 * Exactly-once: channel {@code billing-exactly-once} (group of the same name, {@code batch=true},
 * {@code commit-strategy=ignore}, read_committed) to {@code invoices-exactly-once}. Each polled batch is one Kafka
 * transaction holding its invoices, its dead letters and the consumer offsets: a crash anywhere leaves either all
 * of it or none, and the batch is then consumed again.
 */
@ApplicationScoped
public class ExactlyOnceBilling {

    @Inject
    @Channel("invoices-exactly-once")
    KafkaTransactions<Object> transactions;

    @Inject
    OrderDecoder decoder;

    @Inject
    KafkaClientService clients;

    @Inject
    Faults faults;

    @Inject
    InvoiceCalculator calculator;

    @Incoming("billing-exactly-once")
    public Uni<Void> bill(KafkaRecordBatch<String, String> batch) {
        AbortWitness abort = AbortWitness.of(clients.getProducer("invoices-exactly-once").unwrap());
        return transactions.withTransactionAndAck(batch, emitter -> Multi.createFrom().iterable(batch)
                .onItem().transformToUniAndConcatenate(record -> invoice(record, emitter))
                .collect().last().replaceWithVoid())
                .invoke(() -> {
                    // SmallRye acks a batch whose commit failed once its abort succeeded, without rewinding the
                    // consumer: the next transaction would commit later offsets and this batch would be lost. Fail
                    // the channel instead (health DOWN); a restart resumes from the last committed offsets.
                    if (abort.aborted()) {
                        throw new IllegalStateException("the transaction of a batch of " + batch.getRecords().size()
                                + " orders failed to commit and was aborted; stopping so that it is consumed again");
                    }
                });
    }

    /** The record's invoice, or its dead letter, sent in the open transaction. */
    @SuppressWarnings("unchecked")
    private Uni<Void> invoice(KafkaRecord<String, String> record, TransactionalEmitter<Object> emitter) {
        faults.crashAt(Pipeline.EXACTLY_ONCE, CrashPoint.BEFORE_PROCESSING);
        IncomingKafkaRecordMetadata<String, String> source = record.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow();
        return faults.stall(Pipeline.EXACTLY_ONCE)
                .map(ignored -> decoder.decode(source.getTopic(), source.getPartition(), source.getOffset(),
                        source.getKey(), record.getPayload()))
                .chain(order -> calculator.invoice(order, source.getPartition(), source.getOffset(),
                        Pipeline.EXACTLY_ONCE).invoke(invoice -> emitter.send(KafkaRecord.of(order.customerId(), invoice))))
                .onFailure().invoke(failure -> emitter.send(Message.of((Object) record.getPayload())
                        .addMetadata(OutgoingKafkaRecordMetadata.<String> builder().withTopic(DeadLetters.TOPIC)
                                .withKey(source.getKey()).withHeaders(DeadLetters.headers(source, failure)).build())))
                // The dead letter joins the transaction: written once, with the offsets, or not at all.
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
