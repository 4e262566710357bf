package io.orderguarantees.intake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.KafkaBrokerResource;
import io.orderguarantees.testsupport.PostgresResource;
import io.orderguarantees.testsupport.OrdersTopic;
import io.orderguarantees.testsupport.TopicReader;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class BatchTransactionTest {

    @InjectKafkaCompanion
    KafkaCompanion companion;

    @Test
    void aCommittedBatchIsVisibleWholeWithTheOffsetsItReported() {
        String run = UUID.randomUUID().toString();
        Map<TopicPartition, Long> before = OrdersTopic.endOffsets(companion);

        List<Map<String, Object>> receipts = given().contentType(ContentType.JSON).body(batch(run, 5))
                .when().post("/orders/batch")
                .then().statusCode(201).extract().jsonPath().getList("$");

        List<ConsumerRecord<String, String>> records = OrdersTopic.read(companion, before, 5);
        assertThat(records).extracting(r -> JsonPath.from(r.value()).getString("orderId"))
                .containsExactlyInAnyOrderElementsOf(receipts.stream().map(r -> (String) r.get("orderId")).toList());
        Map<String, Long> offsetById = records.stream().collect(Collectors.toMap(
                r -> JsonPath.from(r.value()).getString("orderId"), ConsumerRecord::offset));
        receipts.forEach(r -> assertThat(((Number) r.get("offset")).longValue()).isEqualTo(offsetById.get(r.get("orderId"))));
    }

    @Test
    void aBatchWithAnInvalidOrderIsRefusedWholeBeforeAnyTransaction() {
        Map<TopicPartition, Long> before = OrdersTopic.endOffsets(companion);
        String body = "[" + IntakeJson.order("c-1", "Mobile", 1, "100") + ","
                + IntakeJson.order("c-2", "Mouse", 0, "50") + "]";

        given().contentType(ContentType.JSON).body(body)
                .when().post("/orders/batch")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("[1].quantity"))
                .body("detail", containsString("[1].quantity"));

        assertThat(OrdersTopic.growth(companion, before)).as("no record and no transaction marker").isZero();
    }

    @Test
    void aTransactionThatFailsMidwayIsAbortedAndNoneOfItsOrdersIsVisible() throws Exception {
        String run = UUID.randomUUID().toString();
        // A valid order (an item of up to 1,024 characters) over the topic's max.message.bytes, lowered for this test
        // only: the broker refuses its record.
        String large = "x".repeat(1000);
        Map<TopicPartition, Long> before = OrdersTopic.endOffsets(companion);

        ordersMaxMessageBytes(800);
        try {
            given().contentType(ContentType.JSON).body(batchWithALoneLargeOrder(run, large))
                    .when().post("/orders/batch")
                    .then().statusCode(422).contentType("application/problem+json")
                    .body("detail", containsString("RecordTooLargeException"));
        } finally {
            ordersMaxMessageBytes(KafkaBrokerResource.ORDERS_MAX_MESSAGE_BYTES);
        }

        List<String> committed = ids(OrdersTopic.readAll(companion, before, IsolationLevel.READ_COMMITTED,
                Duration.ofSeconds(3)));
        List<String> inTheLog = ids(OrdersTopic.readAll(companion, before, IsolationLevel.READ_UNCOMMITTED,
                Duration.ofSeconds(3)));
        assertThat(committed).noneMatch(id -> id.startsWith(run));
        assertThat(inTheLog).as("the aborted records were written, then hidden by the abort marker")
                .anyMatch(id -> id.startsWith(run));

        // Every pipeline reads read_committed: an order committed after the aborted batch is billed by each, and no
        // order of the batch is, its records being in the log all the same (read from outside, invoice topics first).
        String after = run + "-after";
        given().contentType(ContentType.JSON).body("{\"orderId\":\"" + after + "\",\"customerId\":\"c-1\","
                + "\"item\":\"Pen\",\"quantity\":1,\"unitPrice\":2}").post("/orders?acks=all&send=sync")
                .then().statusCode(201);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (String topic : INVOICE_TOPICS) {
                assertThat(invoicedIds(topic)).as(topic).contains(after);
            }
        });
        for (String topic : INVOICE_TOPICS) {
            assertThat(invoicedIds(topic)).as(topic + ": no order of the aborted batch billed")
                    .noneMatch(id -> id.startsWith(run + "-") && !id.equals(after));
        }
    }

    private static final List<String> INVOICE_TOPICS = List.of("invoices-at-most-once", "invoices-at-least-once",
            "invoices-exactly-once");

    /** The order ids of every invoice in {@code topic}, as any reader sees them (read_uncommitted). */
    private List<String> invoicedIds(String topic) {
        return TopicReader.readToEnd(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, companion.getBootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"), topic).stream()
                .map(r -> JsonPath.from(r.value()).getString("orderId")).toList();
    }

    /**
     * Five small orders and a large one, which the default partitioner puts in a partition of its own: a producer
     * batch holding it and small orders would be over the limit too, and the producer splits such a batch only down
     * to batch.size, retrying until delivery.timeout.ms instead of refusing the one record.
     */
    private static String batchWithALoneLargeOrder(String run, String large) {
        int largePartition = partition("large");
        List<String> small = IntStream.range(0, 100).mapToObj(i -> "c-" + i)
                .filter(customer -> partition(customer) != largePartition).limit(5).toList();
        return IntStream.range(0, 6).mapToObj(i -> "{\"orderId\":\"" + run + "-" + i + "\",\"customerId\":\""
                + (i < 5 ? small.get(i) : "large") + "\",\"item\":\"" + (i < 5 ? "item-" + i : large)
                + "\",\"quantity\":1,\"unitPrice\":10}").collect(Collectors.joining(",", "[", "]"));
    }

    /** The partition of orders the default partitioner gives a record keyed by {@code customer}. */
    private static int partition(String customer) {
        return Utils.toPositive(Utils.murmur2(customer.getBytes(StandardCharsets.UTF_8)))
                % KafkaBrokerResource.ORDERS_PARTITIONS;
    }

    /** Sets the orders topic's max.message.bytes and returns once the broker applies it. */
    private void ordersMaxMessageBytes(int bytes) throws Exception {
        ConfigResource orders = new ConfigResource(ConfigResource.Type.TOPIC, "orders");
        companion.getOrCreateAdminClient().incrementalAlterConfigs(Map.of(orders, List.of(new AlterConfigOp(
                new ConfigEntry("max.message.bytes", String.valueOf(bytes)), AlterConfigOp.OpType.SET))))
                .all().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> companion.getOrCreateAdminClient()
                .describeConfigs(List.of(orders)).all().get(30, TimeUnit.SECONDS).get(orders)
                .get("max.message.bytes").value().equals(String.valueOf(bytes)));
    }

    private static List<String> ids(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> JsonPath.from(r.value()).getString("orderId")).toList();
    }

    /** {@code count} orders of distinct customers, so that they spread over partitions. */
    private static String batch(String run, int count) {
        return IntStream.range(0, count).mapToObj(i -> "{\"orderId\":\"" + run + "-" + i + "\",\"customerId\":\"c-" + i
                + "\",\"item\":\"" + "item-" + i
                + "\",\"quantity\":1,\"unitPrice\":10}")
                .collect(Collectors.joining(",", "[", "]"));
    }
}
