package io.orderguarantees.billing;

import java.time.Duration;
import java.time.Instant;


import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

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

    private static final Logger LOG = Logger.getLogger(ExactlyOnceBilling.class);
    private static final long REWIND_DEADLINE_MS = 60_000;
    private static final Duration RETRY_WITHIN = Duration.ofSeconds(20);

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

    @Inject
    BillingRetries retries;

    @Incoming("billing-exactly-once")
    public Uni<Void> bill(KafkaRecordBatch<String, String> batch) {
        AbortWitness abort = AbortWitness.of(clients.getProducer("invoices-exactly-once").unwrap());
        // One deadline for the whole batch's retries, so that its transaction ends well within transaction.timeout.ms
        // (60 s): the last attempt may take up to @Timeout x (1 + @Retry) after it, and the commit comes last.
        Instant retryUntil = Instant.now().plus(RETRY_WITHIN);
        return transactions.withTransactionAndAck(batch, emitter -> Multi.createFrom().iterable(batch)
                .onItem().transformToUniAndConcatenate(record -> invoice(record, emitter, retryUntil))
                .collect().last().replaceWithVoid())
                .call(() -> abort.aborted() ? rewind(batch) : Uni.createFrom().voidItem());
    }

    /**
     * SmallRye completes {@code withTransactionAndAck} normally when a commit failed and its abort succeeded (a
     * recoverable commit error, or a rebalance that changed the group generation), without rewinding the consumer:
     * the next transaction would commit later offsets and this batch would be lost. Rewind as SmallRye does after an
     * abort it reports: back to the last committed offsets, dropping what was already fetched, so that this batch is
     * consumed again.
     */
    private Uni<Void> rewind(KafkaRecordBatch<String, String> batch) {
        LOG.warnf("The transaction of a batch of %d orders failed to commit and was aborted: rewinding %s to the "
                + "last committed offsets", batch.getRecords().size(), Pipeline.EXACTLY_ONCE.channel());
        // Reading the committed offsets can fail for as long as the commit did (an ACL, a coordinator moving): retry
        // for a while, then stop the channel rather than go on past this batch.
        return clients.getConsumer(Pipeline.EXACTLY_ONCE.channel()).resetToLastCommittedPositions()
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).expireIn(REWIND_DEADLINE_MS)
                .onFailure().transform(e -> new IllegalStateException("could not rewind after an aborted batch", e));
    }

    /**
     * The record's invoice, or its dead letter when it can never be billed, sent in the open transaction. A failure
     * that may pass is tried again; one that lasts fails the batch, which is aborted and consumed again after a
     * restart, instead of dead-lettering an order that could have been billed.
     */
    @SuppressWarnings("unchecked")
    private Uni<Void> invoice(KafkaRecord<String, String> record, TransactionalEmitter<Object> emitter,
            Instant retryUntil) {
        faults.crashAt(Pipeline.EXACTLY_ONCE, CrashPoint.BEFORE_PROCESSING);
        IncomingKafkaRecordMetadata<String, String> source = record.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow();
        return Uni.createFrom().item(() -> decoder.decode(source.getTopic(), source.getPartition(),
                source.getOffset(), source.getKey(), record.getPayload()))
                // Until the batch's deadline: past that, the batch fails and its transaction is aborted.
                .chain(order -> retries.untilDone(Pipeline.EXACTLY_ONCE, () -> calculator.invoice(order,
                        source.getPartition(), source.getOffset(), Pipeline.EXACTLY_ONCE), retryUntil)
                        .invoke(invoice -> emitter.send(KafkaRecord.of(order.customerId(), invoice))))
                // an injected stall comes after the invoice joined the transaction: the transaction is surely open
                .call(() -> faults.stall(Pipeline.EXACTLY_ONCE))
                // The dead letter joins the transaction: written once, with the offsets, or not at all. Should even the
                // dead letter fail, the batch fails, its transaction is aborted and the channel stops: committing the
                // offsets past a record with neither an invoice nor a dead letter would lose it.
                .onFailure(PoisonRecordException.class).recoverWithItem(failure -> {
                    emitter.send(Message.of((Object) record.getPayload()).addMetadata(OutgoingKafkaRecordMetadata
                            .<String> builder().withTopic(DeadLetters.TOPIC).withKey(source.getKey())
                            .withHeaders(DeadLetters.headers(source.getRecord(), failure)).build()));
                    return null;
                })
                .replaceWithVoid();
    }
}
