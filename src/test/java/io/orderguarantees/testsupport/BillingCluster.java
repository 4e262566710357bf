package io.orderguarantees.testsupport;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import io.orderguarantees.testsupport.TopicReader;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/**
 * A real broker with an {@code orders} topic of three partitions, for tests that run the packaged service as a
 * separate process, and what they need to judge it: orders published as the intake writes them, the invoice
 * topics read back, the billing groups' progress.
 */
public final class BillingCluster implements AutoCloseable {

    public static final int PARTITIONS = 3;
    public static final List<String> GROUPS = List.of("billing-at-most-once", "billing-at-least-once",
            "billing-exactly-once");

    private final EmbeddedKafkaBroker broker;
    private final KafkaCompanion companion;

    public BillingCluster(Consumer<Properties> brokerConfig) {
        this(new EmbeddedKafkaBroker().withAdditionalProperties(brokerConfig));
    }

    /**
     * A broker set up by {@code setUp} before it starts. This harness talks to it through its first PLAINTEXT
     * listener, whatever other listeners it has.
     */
    public static BillingCluster of(UnaryOperator<EmbeddedKafkaBroker> setUp) {
        return new BillingCluster(setUp.apply(new EmbeddedKafkaBroker()));
    }

    private BillingCluster(EmbeddedKafkaBroker unstarted) {
        broker = unstarted.start();
        companion = new KafkaCompanion(bootstrapServers());
        companion.topics().create(List.of(new NewTopic("orders", PARTITIONS, (short) 1)));
        TransactionLog.ensureCreated(bootstrapServers());
    }

    public BillingCluster() {
        this(properties -> {
        });
    }

    public KafkaCompanion companion() {
        return companion;
    }

    public String bootstrapServers() {
        return Stream.of(broker.getAdvertisedListeners().split(",")).filter(l -> l.startsWith("PLAINTEXT://"))
                .findFirst().orElseThrow();
    }

    /** Orders as the intake writes them (JSON, key = customer), for one of five customers each. */
    public void publish(List<String> orderIds) {
        companion.produceStrings().fromRecords(IntStream.range(0, orderIds.size())
                .mapToObj(i -> new ProducerRecord<>("orders", "c-" + (i % 5), "{\"orderId\":\"" + orderIds.get(i)
                        + "\",\"customerId\":\"c-" + (i % 5) + "\",\"item\":\"Pen\",\"quantity\":1,\"unitPrice\":" + (i + 1)
                        + "}"))
                .toList()).awaitCompletion();
    }

    /** The order ids of every record in {@code topic}, as a consumer with this isolation level sees them. */
    public List<String> orderIds(String topic, IsolationLevel isolation) {
        return read(topic, isolation).stream().map(r -> JsonPath.from(r.value()).getString("orderId")).toList();
    }

    public List<ConsumerRecord<String, String>> read(String topic, IsolationLevel isolation) {
        return TopicReader.readToEnd(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString().toLowerCase(Locale.ROOT)), topic);
    }

    /** Whether every billing group has committed offsets up to the end of {@code orders}. */
    public boolean everyGroupCaughtUp() {
        Map<TopicPartition, Long> end = companion.offsets().list(IntStream.range(0, PARTITIONS)
                .mapToObj(p -> new TopicPartition("orders", p)).toList()).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        return GROUPS.stream().allMatch(group -> {
            Map<TopicPartition, OffsetAndMetadata> committed = companion.consumerGroups().offsets(group);
            return end.entrySet().stream().allMatch(e -> e.getValue() == 0
                    || committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue());
        });
    }

    /**
     * Whether every billing group is stable with {@code members} members, each holding partitions: a member killed
     * while its group rebalances stalls the group for the rebalance timeout ({@code max.poll.interval.ms}).
     */
    public boolean everyGroupStableWith(int members) {
        return GROUPS.stream().map(group -> companion.consumerGroups().describe(group)).allMatch(group -> group
                .groupState() == GroupState.STABLE && group.members().size() == members
                && group.members().stream().noneMatch(m -> m.assignment().topicPartitions().isEmpty()));
    }

    @Override
    public void close() {
        companion.close();
        broker.close();
    }
}
