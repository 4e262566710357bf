package io.orderguarantees.lab;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

import io.orderguarantees.testsupport.TopicReader;
import io.orderguarantees.testsupport.KafkaCluster;
import io.restassured.path.json.JsonPath;

/** What the lab asks of the cluster: topics, leaders and in-sync replicas, logs read back, group progress. */
final class LabKafka implements AutoCloseable {

    private final KafkaCluster cluster;
    private final Admin admin;

    LabKafka(KafkaCluster cluster) {
        this.cluster = cluster;
        this.admin = cluster.admin();
    }

    KafkaCluster cluster() {
        return cluster;
    }

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** After a failed scenario: every broker running and resumed, for the next scenario. */
    void heal() {
        for (int id : cluster.brokerIds()) {
            cluster.resume(id);
            if (!cluster.isAlive(id)) {
                cluster.restart(id);
            }
        }
    }

    /** Creates topics with RF 3 and waits until every partition has all three replicas in sync. */
    void createTopics(int partitions, String... topics) {
        get(() -> admin.createTopics(java.util.Arrays.stream(topics).map(t -> new NewTopic(t, partitions, (short) 3))
                .toList()).all().get());
        for (String topic : topics) {
            awaitFullIsr(topic, Duration.ofSeconds(60));
        }
    }

    void awaitFullIsr(String topic, Duration timeout) {
        await(timeout, "every replica of " + topic + " in sync", () -> describe(topic).partitions().stream()
                .allMatch(p -> p.leader() != null && p.isr().size() == 3));
    }

    /** The partition's leader, or -1 while it has none. */
    int leader(String topic, int partition) {
        Node leader = partitionInfo(topic, partition).leader();
        return leader == null || leader.isEmpty() ? -1 : leader.id();
    }

    /**
     * The ISR as a new, impatient admin client sees it: while brokers are paused, a long-lived client can keep
     * asking one of them and time out again and again; a fresh one picks its node anew.
     */
    Set<Integer> isr(String topic, int partition) {
        try (Admin impatient = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                2_000))) {
            return get(() -> impatient.describeTopics(List.of(topic)).allTopicNames().get().get(topic)).partitions()
                    .get(partition).isr().stream().map(Node::id).collect(Collectors.toSet());
        }
    }

    private TopicPartitionInfo partitionInfo(String topic, int partition) {
        return describe(topic).partitions().get(partition);
    }

    private TopicDescription describe(String topic) {
        return get(() -> admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic));
    }

    /** The order ids of every record of {@code topic}, as a read_committed consumer sees them. */
    List<String> orderIds(String topic) {
        return TopicReader.readToEnd(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), topic).stream()
                .map(r -> JsonPath.from(r.value()).getString("orderId")).toList();
    }

    /** Records in {@code topic}, aborted ones and transaction markers included: enough to see that work began. */
    long endOffsets(String topic, int partitions) {
        return get(() -> admin.listOffsets(IntStream.range(0, partitions).boxed().collect(Collectors.toMap(
                p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()))).all().get()).values().stream()
                .mapToLong(ListOffsetsResultInfo::offset).sum();
    }

    /** Per group, how many records of {@code topic} it has not committed yet; empty once every group caught up. */
    Map<String, Long> lag(String topic, int partitions, Collection<String> groups) {
        Map<TopicPartition, Long> end = get(() -> admin.listOffsets(IntStream.range(0, partitions).boxed()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()))).all().get())
                .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        Map<String, Long> lag = new TreeMap<>();
        for (String group : groups) {
            Map<TopicPartition, OffsetAndMetadata> committed = get(
                    () -> admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get());
            long behind = end.entrySet().stream().mapToLong(e -> e.getValue() - (committed.get(e.getKey()) == null ? 0
                    : committed.get(e.getKey()).offset())).filter(n -> n > 0).sum();
            if (behind > 0) {
                lag.put(group, behind);
            }
        }
        return lag;
    }

    static void await(Duration timeout, String what, BooleanSupplier condition) {
        if (!within(timeout, condition)) {
            throw new IllegalStateException("not within " + timeout.toSeconds() + " s: " + what);
        }
    }

    /** Polls {@code condition} every 500 ms; whether it held before {@code timeout}. Errors count as not yet. */
    static boolean within(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return true;
                }
            } catch (RuntimeException notYet) {
                // a broker down, a coordinator moving: ask again
            }
            sleep(Duration.ofMillis(500));
        }
        return false;
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    interface Call<T> {
        T call() throws InterruptedException, ExecutionException;
    }

    static <T> T get(Call<T> call) {
        try {
            return call.call();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
