package io.orderguarantees.ledger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.orderguarantees.billing.BillingRetries;
import io.orderguarantees.billing.OrderDecoder;
import io.orderguarantees.billing.PoisonRecordException;
import io.orderguarantees.operate.DashboardEvent;
import io.orderguarantees.operate.DashboardEvents;
import io.orderguarantees.shared.StoredOffsets;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * The ledger: channel {@code billing-ledger} (group of the same name, {@code batch=true},
 * {@code commit-strategy=ignore}) into PostgreSQL. Each polled batch is one database transaction holding its invoices
 * and the offsets that pass them ({@link Ledger}); on assignment the consumer seeks to the stored offsets, Kafka's
 * "storing offsets outside Kafka". A crash anywhere leaves all of a batch or none; a record of an order already billed
 * is a refused duplicate. A database that does not answer is waited for, never a reason to skip an order.
 */
@ApplicationScoped
@Identifier(LedgerBilling.CHANNEL)
public class LedgerBilling implements KafkaConsumerRebalanceListener {

    public static final String CHANNEL = "billing-ledger";
    public static final String PIPELINE = "ledger";

    private final Ledger ledger;
    private final OrderDecoder decoder;
    private final BillingRetries retries;
    private final LedgerMetrics metrics;
    private final DashboardEvents events;
    private final DataSource dataSource;

    LedgerBilling(Ledger ledger, OrderDecoder decoder, BillingRetries retries, LedgerMetrics metrics,
            DashboardEvents events, DataSource dataSource) {
        this.ledger = ledger;
        this.decoder = decoder;
        this.retries = retries;
        this.metrics = metrics;
        this.events = events;
        this.dataSource = dataSource;
    }

    @Incoming(CHANNEL)
    public Uni<Void> bill(ConsumerRecords<String, String> records) {
        List<Ledger.Entry> batch = new ArrayList<>(records.count());
        for (ConsumerRecord<String, String> record : records) {
            batch.add(entry(record));
        }
        return retries.untilDone(PIPELINE, () -> Uni.createFrom().item(() -> write(batch))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()), null)
                .invoke(written -> {
                    metrics.written(written);
                    written.billed().forEach(e -> events.publish(() -> DashboardEvent.invoice(e.order().orderId(),
                            PIPELINE, e.amount())));
                })
                .replaceWithVoid();
    }

    private Ledger.Written write(List<Ledger.Entry> batch) {
        try {
            return ledger.write(CHANNEL, batch);
        } catch (java.sql.SQLException e) {
            throw new LedgerUnavailableException(e);
        }
    }

    private Ledger.Entry entry(ConsumerRecord<String, String> record) {
        try {
            return Ledger.Entry.billable(record.topic(), record.partition(), record.offset(),
                    decoder.decode(record.topic(), record.partition(), record.offset(), record.key(), record.value()));
        } catch (PoisonRecordException e) {
            return Ledger.Entry.rejected(record.topic(), record.partition(), record.offset(), e.getMessage(),
                    record.value());
        }
    }

    /** On assignment, each new partition starts where the ledger says ({@link StoredOffsets#seek}). */
    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Ledger.OFFSETS.seek(consumer, dataSource, CHANNEL, partitions);
    }
}
