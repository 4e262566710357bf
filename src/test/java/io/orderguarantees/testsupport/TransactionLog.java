package io.orderguarantees.testsupport;

import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A fresh broker creates {@code __transaction_state} (50 partitions) when the first transactional producer asks
 * for an id, and the service's {@code initTransactions} at start waits for it at most {@code max.block.ms}. On a
 * fresh broker in a cold JVM that creation took 0.8 s here, against the 1 s the test profile then allowed: the
 * likely reason the service once failed to start on CI. Tests start the service against a broker prepared as a
 * running cluster is: the transaction log already there.
 */
public final class TransactionLog {

    private TransactionLog() {
    }

    /** Returns once a transactional producer got its id from {@code bootstrapServers}, creating the log if needed. */
    public static void ensureCreated(String bootstrapServers) {
        try (var producer = new KafkaProducer<>(Map.<String, Object> of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-setup-" + UUID.randomUUID(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000), new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
        }
    }
}
