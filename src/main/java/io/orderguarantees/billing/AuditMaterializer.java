package io.orderguarantees.billing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * The audit: channel {@code billing-audit} (group of the same name, read_committed, {@code batch=true},
 * {@code commit-strategy=ignore}) copies the three invoice topics and {@code orders-dlq} into PostgreSQL, each polled
 * batch with its offsets in one transaction ({@link AuditStore}), so that the audit API and the metrics read a
 * handful of rows per call instead of whole topics. An aborted exactly-once transaction is never audited.
 */
@ApplicationScoped
@Identifier(AuditMaterializer.CHANNEL)
public class AuditMaterializer implements KafkaConsumerRebalanceListener {

    static final String CHANNEL = "billing-audit";
    private static final Logger LOG = Logger.getLogger(AuditMaterializer.class);

    private final AuditStore store;
    private final ObjectMapper json;
    private final BillingRetries retries;
    private final DataSource dataSource;

    AuditMaterializer(AuditStore store, ObjectMapper json, BillingRetries retries, DataSource dataSource) {
        this.store = store;
        this.json = json;
        this.retries = retries;
        this.dataSource = dataSource;
    }

    @Incoming(CHANNEL)
    public Uni<Void> materialize(ConsumerRecords<String, String> records) {
        List<AuditStore.Entry> batch = new ArrayList<>(records.count());
        records.forEach(record -> batch.add(entry(record)));
        return retries.untilDone("audit", () -> Uni.createFrom().item(() -> {
            try {
                store.write(CHANNEL, batch);
                return batch.size();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("the audit's database did not take the batch: " + e.getMessage(), e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()), null).replaceWithVoid();
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        AuditStore.OFFSETS.seek(consumer, dataSource, CHANNEL, partitions);
    }

    private AuditStore.Entry entry(ConsumerRecord<String, String> record) {
        if (DeadLetters.TOPIC.equals(record.topic())) {
            return new AuditStore.Entry(record.topic(), record.partition(), record.offset(), null,
                    new BillingAudit.DeadLetter(record.partition(), record.offset(), record.key(), record.value(),
                            header(record, DeadLetters.REASON), header(record, DeadLetters.SOURCE_TOPIC),
                            number(header(record, DeadLetters.SOURCE_PARTITION), Integer::valueOf),
                            number(header(record, DeadLetters.SOURCE_OFFSET), Long::valueOf)));
        }
        return new AuditStore.Entry(record.topic(), record.partition(), record.offset(), invoice(record), null);
    }

    /** The record's invoice, or null when it is none: counted as unreadable, never a reason to stop. */
    private Invoice invoice(ConsumerRecord<String, String> record) {
        try {
            Invoice invoice = record.value() == null ? null : json.readValue(record.value(), Invoice.class);
            if (invoice != null && invoice.orderId() != null && invoice.customerId() != null
                    && invoice.amount() != null) {
                return invoice;
            }
        } catch (JsonProcessingException e) {
            // falls through
        }
        LOG.warnf("%s-%d@%d is not an invoice: counted as unreadable", record.topic(), record.partition(),
                record.offset());
        return null;
    }

    /** A header's number, or null when it is missing or no number (another client's dead letter, say). */
    private static <N> N number(String text, java.util.function.Function<String, N> parse) {
        try {
            return text == null ? null : parse.apply(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
