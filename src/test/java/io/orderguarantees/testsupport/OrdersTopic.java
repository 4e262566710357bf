package io.orderguarantees.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** Reads back only what a test caused on the {@code orders} topic: note the end offsets first, then read from them. */
public final class OrdersTopic {

    public static final String NAME = "orders";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private OrdersTopic() {
    }

    public static Map<TopicPartition, Long> endOffsets(KafkaCompanion companion) {
        List<TopicPartition> partitions = IntStream.range(0, KafkaBrokerResource.ORDERS_PARTITIONS)
                .mapToObj(p -> new TopicPartition(NAME, p)).toList();
        return companion.offsets().list(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** The next {@code count} records after {@code from}, as a read_committed consumer sees them. */
    public static List<ConsumerRecord<String, String>> read(KafkaCompanion companion, Map<TopicPartition, Long> from,
            int count) {
        return companion.consumeStrings().withIsolationLevel(IsolationLevel.READ_COMMITTED)
                .fromOffsets(from, count).awaitCompletion(WAIT).getRecords();
    }

    /** Everything after {@code from} that a consumer with this isolation level sees within {@code during}. */
    public static List<ConsumerRecord<String, String>> readAll(KafkaCompanion companion, Map<TopicPartition, Long> from,
            IsolationLevel isolation, Duration during) {
        return companion.consumeStrings().withIsolationLevel(isolation)
                .fromOffsets(from, during).awaitCompletion(during.plus(WAIT)).getRecords();
    }

    /** Records added since {@code from}, counted from the end offsets (read_uncommitted, transaction markers included). */
    public static long growth(KafkaCompanion companion, Map<TopicPartition, Long> from) {
        return endOffsets(companion).entrySet().stream().mapToLong(e -> e.getValue() - from.get(e.getKey())).sum();
    }
}
