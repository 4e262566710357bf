package io.orderguarantees.intake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.KafkaBrokerResource;
import io.orderguarantees.testsupport.PostgresResource;
import io.orderguarantees.testsupport.TestTokens;
import io.orderguarantees.testsupport.OrdersTopic;
import io.orderguarantees.testsupport.TopicReader;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.RestAssured;
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

    /**
     * Clients that hang up while their batches wait for the transactional producer, or while a transaction is open,
     * cancel nothing: each batch is still committed whole and once, the next batch starts only after the previous one
     * ended (SmallRye allows one open transaction), and the queue's count comes back to zero, so that a full queue of
     * well-behaved clients is accepted afterwards.
     */
    @Test
    void clientsHangingUpMidBatchCancelNeitherTheirTransactionsNorTheQueue() throws Exception {
        String run = UUID.randomUUID().toString();
        Map<TopicPartition, Long> before = OrdersTopic.endOffsets(companion);
        int hungUp = BatchPublisher.MAX_QUEUED_BATCHES - 1;
        int size = 200;
        // A slow broker: the transactional producer throttled to 20 KB/s. Kafka measures a rate over at least ten
        // 1-second samples, so the about 300 KB of these batches are slowed down once most of them are sent.
        throttleBatchProducer(20_000.0);
        try {
            List<Socket> connections = new ArrayList<>();
            for (int b = 0; b < hungUp; b++) {
                connections.add(post(batch(run + "-gone-" + b, size)));
            }
            // Hangs up once the service holds every batch (a connection closed before the body was read fails the
            // request itself), while the later ones wait for the transactions before them.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5)).until(() -> IntStream
                    .range(0, hungUp).allMatch(b -> given().get("/orders/" + run + "-gone-" + b + "-0/delivery")
                            .statusCode() == 200));
            for (Socket connection : connections) {
                connection.close();
            }
            assertThat(stableGrowth(before)).as("the log's last stable offsets when the clients hung up: "
                    + "transactions still open or to come").isLessThan(hungUp * size);
        } finally {
            throttleBatchProducer(null);
        }
        List<String> expected = IntStream.range(0, hungUp).boxed().flatMap(b -> IntStream.range(0, size)
                .mapToObj(i -> run + "-gone-" + b + "-" + i)).collect(Collectors.toCollection(ArrayList::new));
        OrdersTopic.read(companion, before, expected.size());
        assertThat(ids(OrdersTopic.readAll(companion, before, IsolationLevel.READ_COMMITTED, Duration.ofSeconds(3))))
                .as("every batch of a client that hung up, committed whole and once")
                .containsExactlyInAnyOrderElementsOf(expected);

        HttpClient http = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> answers = IntStream.range(0, BatchPublisher.MAX_QUEUED_BATCHES)
                .mapToObj(b -> http.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port
                        + "/orders/batch")).header("Content-Type", "application/json")
                        .header("Authorization", TestTokens.allRoles())
                        .POST(HttpRequest.BodyPublishers.ofString(batch(run + "-stayed-" + b, 5))).build(),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            assertThat(answer.get(60, TimeUnit.SECONDS)).as("a full queue of clients that stayed, after the others")
                    .extracting(HttpResponse::statusCode).isEqualTo(201);
        }
    }

    /** How far the last stable offsets (below them every transaction has ended) moved since {@code from}. */
    private long stableGrowth(Map<TopicPartition, Long> from) throws Exception {
        return companion.getOrCreateAdminClient().listOffsets(from.keySet().stream().collect(Collectors.toMap(p -> p,
                p -> OffsetSpec.latest())), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(30, TimeUnit.SECONDS).entrySet().stream()
                .mapToLong(e -> e.getValue().offset() - from.get(e.getKey())).sum();
    }

    /** Sets or, with null, removes a produce quota on the {@code orders-tx} producer's client id. */
    private void throttleBatchProducer(Double bytesPerSecond) throws Exception {
        companion.getOrCreateAdminClient().alterClientQuotas(List.of(new ClientQuotaAlteration(
                new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, "kafka-producer-orders-tx")),
                List.of(new ClientQuotaAlteration.Op("producer_byte_rate", bytesPerSecond)))))
                .all().get(30, TimeUnit.SECONDS);
    }

    /** Sends a batch on a connection of its own, and returns the connection without reading the answer. */
    private static Socket post(String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Socket socket = new Socket("localhost", RestAssured.port);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /orders/batch HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Authorization: " + TestTokens.allRoles() + "\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        return socket;
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
