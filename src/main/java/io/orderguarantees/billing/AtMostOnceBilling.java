package io.orderguarantees.billing;

import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;
import org.jboss.logging.Logger;

import io.orderguarantees.shared.Order;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * At-most-once: channel {@code billing-at-most-once} (group of the same name, {@code commit-strategy=ignore}) to
 * {@code invoices-at-most-once}. The record's offset is committed, synchronously, before the order is processed:
 * a crash after that commit loses the order, and nothing ever bills it twice. SmallRye has no commit strategy that
 * commits ahead of processing (throttled and latest commit what was acknowledged), hence the explicit commit.
 */
@ApplicationScoped
public class AtMostOnceBilling {

    private static final Logger LOG = Logger.getLogger(AtMostOnceBilling.class);

    private final OrderDecoder decoder;
    private final KafkaClientService clients;
    private final InvoiceCalculator calculator;
    private final Faults faults;

    AtMostOnceBilling(OrderDecoder decoder, KafkaClientService clients, InvoiceCalculator calculator, Faults faults) {
        this.decoder = decoder;
        this.clients = clients;
        this.calculator = calculator;
        this.faults = faults;
    }

    @Incoming("billing-at-most-once")
    @Outgoing("invoices-at-most-once")
    public Uni<Message<Invoice>> bill(Message<String> message) {
        IncomingKafkaRecordMetadata<String, String> record = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow();
        faults.crashAt(Pipeline.AT_MOST_ONCE, CrashPoint.BEFORE_PROCESSING);
        return clients.getConsumer(Pipeline.AT_MOST_ONCE.channel())
                .commit(Map.of(new TopicPartition(record.getTopic(), record.getPartition()),
                        new OffsetAndMetadata(record.getOffset() + 1)))
                // A rebalance under way refuses commits until the next poll completes it, and the partition often
                // stays here (cooperative assignor): try again then, or the order would be skipped without a crash.
                .onFailure(RebalanceInProgressException.class).retry()
                .withBackOff(Duration.ofMillis(50), Duration.ofMillis(500)).atMost(40)
                .onItemOrFailure().transformToUni((committed, commitFailure) -> {
                    if (commitFailure != null) {
                        // Not committed (the rebalance moved the partition elsewhere, say): not processed either.
                        // Whoever owns the partition now gets the record from the last committed offset.
                        LOG.warnf("offset %d of %s-%d not committed, order not billed here: %s", record.getOffset(),
                                record.getTopic(), record.getPartition(), commitFailure.toString());
                        return Uni.createFrom().<Message<Invoice>> nullItem();
                    }
                    faults.crashAt(Pipeline.AT_MOST_ONCE, CrashPoint.AFTER_COMMIT_BEFORE_PROCESSING);
                    Order order = decoder.decode(record.getTopic(), record.getPartition(), record.getOffset(),
                            record.getKey(), message.getPayload());
                    return calculator.invoice(order, record.getPartition(), record.getOffset(), Pipeline.AT_MOST_ONCE)
                            .map(invoice -> message.withPayload(invoice).addMetadata(
                                    OutgoingKafkaRecordMetadata.<String> builder().withKey(order.customerId()).build()));
                })
                // A failed Uni would end the whole stream: nack the record instead, so that the channel's
                // dead-letter-queue failure strategy takes it, and forward nothing.
                .onFailure().recoverWithUni(failure -> Uni.createFrom().completionStage(message.nack(failure))
                        .map(nacked -> (Message<Invoice>) null));
    }
}
