package io.orderguarantees.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;


import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;


/** Reads a whole topic as a consumer of the tests' own sees it: what Kafka kept, not what the service says. */
public final class TopicReader {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private TopicReader() {
    }

    /**
     * Every record of {@code topic} as a consumer with {@code config} (bootstrap servers, isolation level; no group)
     * sees it, up to the end offsets taken when the read starts: for read_committed these are the last stable
     * offsets, nothing after an open transaction. By partition then offset; empty if the topic does not exist.
     */
    public static List<ConsumerRecord<String, String>> readToEnd(Map<String, Object> config, String topic) {
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, DEADLINE).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                return List.of();
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, DEADLINE);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + DEADLINE);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        records.add(r);
                    }
                });
            }
            records.sort(Comparator.<ConsumerRecord<String, String>> comparingInt(ConsumerRecord::partition)
                    .thenComparingLong(ConsumerRecord::offset));
            return records;
        }
    }
}
