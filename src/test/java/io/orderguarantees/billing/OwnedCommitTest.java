package io.orderguarantees.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/**
 * Why at-most-once commits only the partitions it still owns, on a real broker: after a cooperative rebalance moved a
 * partition to another member, the group coordinator still accepts a commit for it from its old owner (it checks the
 * member and the generation, not ownership). The old owner retrying a commit refused during the rebalance, as
 * {@code AtMostOnceBilling} once did, then moves the new owner's starting point and bills records the new owner bills
 * too.
 */
class OwnedCommitTest {

    private static final String TOPIC = "owned-commit";
    private static EmbeddedKafkaBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = new EmbeddedKafkaBroker().start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
        admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    @Test
    void theCoordinatorAcceptsACommitForAPartitionThatMovedAway() throws Exception {
        String group = "moved-blind";
        try (KafkaConsumer<String, String> a = consumer(group); KafkaConsumer<String, String> b = consumer(group)) {
            TopicPartition moved = rebalanceOnePartitionFromAToB(a, b);

            a.commitSync(Map.of(moved, new OffsetAndMetadata(42)));

            assertThat(committed(group, moved)).as("the old owner moved the new owner's committed offset").isEqualTo(42);
        }
    }

    @Test
    void aBatchPolledBeforeARebalanceIsNotCommittedAtAll() throws Exception {
        String group = "polled-before";
        try (KafkaConsumer<String, String> a = consumer(group); KafkaConsumer<String, String> b = consumer(group)) {
            a.subscribe(List.of(TOPIC));
            pollUntil(() -> a.assignment().size() == 2, a);
            int polledIn = a.groupMetadata().generationId();
            TopicPartition moved = rebalanceOnePartitionFromAToB(a, b);
            TopicPartition kept = a.assignment().iterator().next();
            b.commitSync(Map.of(moved, new OffsetAndMetadata(7)));

            Set<TopicPartition> committed = OwnedCommit.commitOwned(a, Map.of(moved, new OffsetAndMetadata(42),
                    kept, new OffsetAndMetadata(5)), polledIn);

            assertThat(committed).as("the generation moved on since the poll: nothing of the batch").isEmpty();
            assertThat(committed(group, moved)).as("the new owner's offset stays").isEqualTo(7);
            assertThat(committedOrNull(group, kept)).as("not even the partition A kept").isNull();
        }
    }

    @Test
    void aBatchOfTheCurrentGenerationIsCommittedForThePartitionsStillOwned() throws Exception {
        String group = "kept-owned";
        try (KafkaConsumer<String, String> a = consumer(group); KafkaConsumer<String, String> b = consumer(group)) {
            TopicPartition moved = rebalanceOnePartitionFromAToB(a, b);
            TopicPartition kept = a.assignment().iterator().next();

            Set<TopicPartition> committed = OwnedCommit.commitOwned(a, Map.of(moved, new OffsetAndMetadata(42),
                    kept, new OffsetAndMetadata(5)), a.groupMetadata().generationId());

            assertThat(committed).containsExactly(kept);
            assertThat(committed(group, kept)).isEqualTo(5);
            assertThat(committedOrNull(group, moved)).as("no commit for the partition B owns").isNull();
        }
    }

    /** A owns both partitions, then B joins: returns the partition that moved to B, once the group is stable. */
    private static TopicPartition rebalanceOnePartitionFromAToB(KafkaConsumer<String, String> a,
            KafkaConsumer<String, String> b) {
        if (a.subscription().isEmpty()) {
            a.subscribe(List.of(TOPIC));
        }
        pollUntil(() -> a.assignment().size() == 2, a);
        b.subscribe(List.of(TOPIC));
        // Cooperative: A gives the partition up in one rebalance, B gets it in the next; both must keep polling.
        pollUntil(() -> a.assignment().size() == 1 && b.assignment().size() == 1, a, b);
        // A few more rounds, so that no rebalance is under way when the test commits.
        for (int i = 0; i < 5; i++) {
            a.poll(Duration.ofMillis(100));
            b.poll(Duration.ofMillis(100));
        }
        assertThat(a.assignment()).hasSize(1);
        return b.assignment().iterator().next();
    }

    @SafeVarargs
    private static void pollUntil(java.util.function.BooleanSupplier done, KafkaConsumer<String, String>... consumers) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("group settled within 60 s").isLessThan(deadline);
            for (KafkaConsumer<String, String> consumer : consumers) {
                consumer.poll(Duration.ofMillis(100));
            }
        }
    }

    private static long committed(String group, TopicPartition partition) throws Exception {
        return committedOrNull(group, partition);
    }

    private static Long committedOrNull(String group, TopicPartition partition) throws Exception {
        OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS).get(partition);
        return offset == null ? null : offset.offset();
    }

    private static KafkaConsumer<String, String> consumer(String group) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName(),
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000",
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000"),
                new StringDeserializer(), new StringDeserializer());
    }

    private static String bootstrap() {
        return broker.getAdvertisedListeners().replace("PLAINTEXT://", "");
    }
}
