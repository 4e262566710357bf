package io.orderguarantees.intake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.KafkaBrokerResource;
import io.orderguarantees.testsupport.OrdersTopic;
import io.orderguarantees.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * The orderId as idempotency key at intake: a request that repeats an order this instance remembers is answered with
 * the first attempt's outcome, and the {@code orders} topic, read from outside, holds the order once.
 */
@QuarkusTest
@TestProfile(IdempotencyTest.OwnApplication.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class IdempotencyTest {

    /** Its own application and broker: it publishes one order twice on purpose, which the topic pipelines bill twice. */
    public static class OwnApplication implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("order-guarantees.instance-id", "idempotency-tests");
        }
    }

    private static final Duration SETTLE = Duration.ofSeconds(2);

    @InjectKafkaCompanion
    KafkaCompanion companion;

    @Test
    void aRepeatedSyncOrderIsAnsweredWithTheFirstReceiptAndPublishedOnce() {
        Map<TopicPartition, Long> before = OrdersTopic.endOffsets(companion);
        String id = "idem-" + UUID.randomUUID();

        JsonPath first = post(order(id, "Pen"), null, "sync").then().statusCode(201).extract().jsonPath();
        JsonPath again = post(order(id, "Pen"), null, "sync").then().statusCode(201).extract().jsonPath();
        JsonPath asyncAgain = post(order(id, "Pen"), null, "async").then().statusCode(202).extract().jsonPath();

        assertThat(again.getLong("offset")).isEqualTo(first.getLong("offset"));
        assertThat(again.getInt("partition")).isEqualTo(first.getInt("partition"));
        assertThat(asyncAgain.getString("orderId")).isEqualTo(id);
        assertThat(recordsOf(before, id)).isEqualTo(1);
    }

    @Test
    void aSyncRepeatOfAFireAndForgetOrderIsPublishedAgainForItsAcknowledgement() {
        Map<TopicPartition, Long> before = OrdersTopic.endOffsets(companion);
        String id = "faf-" + UUID.randomUUID();

        post(order(id, "Pen"), null, "fire-and-forget").then().statusCode(202);
        post(order(id, "Pen"), null, "fire-and-forget").then().statusCode(202);
        JsonPath acknowledged = post(order(id, "Pen"), null, "sync").then().statusCode(201).extract().jsonPath();

        assertThat(acknowledged.getLong("offset")).isNotNull();
        assertThat(recordsOf(before, id)).as("fire-and-forget once, then once for the acknowledgement").isEqualTo(2);
    }

    @Test
    void theIdempotencyKeyHeaderNamesTheOrder() {
        Map<TopicPartition, Long> before = OrdersTopic.endOffsets(companion);
        String key = "key-" + UUID.randomUUID();

        JsonPath first = post(order(null, "Pen"), "\"" + key + "\"", "sync").then().statusCode(201).extract()
                .jsonPath();
        JsonPath again = post(order(null, "Pen"), key, "sync").then().statusCode(201).extract().jsonPath();

        assertThat(first.getString("orderId")).isEqualTo(key);
        assertThat(again.getLong("offset")).isEqualTo(first.getLong("offset"));
        assertThat(recordsOf(before, key)).isEqualTo(1);
    }

    @Test
    void aHeaderThatDiffersFromTheBodysOrderIdIsRefusedAndNothingIsPublished() {
        Map<TopicPartition, Long> before = OrdersTopic.endOffsets(companion);
        String id = "body-" + UUID.randomUUID();

        post(order(id, "Pen"), "other-" + UUID.randomUUID(), "sync").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", org.hamcrest.Matchers.equalTo(
                        "Idempotency-Key"));
        post(order(null, "Pen"), "bad key!", "sync").then().statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("Idempotency-Key"));

        assertThat(recordsOf(before, id)).isZero();
    }

    @Test
    void anOrderIdReusedForAnotherOrderIsAConflictAndNothingIsPublished() {
        Map<TopicPartition, Long> before = OrdersTopic.endOffsets(companion);
        String id = "reused-" + UUID.randomUUID();
        post(order(id, "Pen"), null, "sync").then().statusCode(201);

        post(order(id, "Ink"), null, "sync").then().statusCode(409).contentType("application/problem+json")
                .body("type", org.hamcrest.Matchers.equalTo("/problems/order-id-conflict"))
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("orderId"));

        assertThat(recordsOf(before, id)).isEqualTo(1);
    }

    @Test
    void linesRetriedWithTheirKeyAreNotPublishedAgain() {
        Map<TopicPartition, Long> before = OrdersTopic.endOffsets(companion);
        String key = "lines-" + UUID.randomUUID();
        String body = "1001:Mobile,100\n1002:Mouse,20,2\n";

        List<Long> first = given().contentType(ContentType.TEXT).header("Idempotency-Key", key).body(body)
                .post("/orders/lines").then().statusCode(201).extract().jsonPath().getList("offset", Long.class);
        JsonPath again = given().contentType(ContentType.TEXT).header("Idempotency-Key", key).body(body)
                .post("/orders/lines").then().statusCode(201).extract().jsonPath();

        assertThat(again.getList("orderId", String.class)).containsExactly(key + "-1", key + "-2");
        assertThat(again.getList("offset", Long.class)).isEqualTo(first);
        assertThat(recordsOf(before, key + "-1") + recordsOf(before, key + "-2")).isEqualTo(2);
    }

    @Test
    void aBatchRetriedWithItsKeyIsNotPublishedAgain() {
        Map<TopicPartition, Long> before = OrdersTopic.endOffsets(companion);
        String key = "batch-" + UUID.randomUUID();
        String batch = "[" + order(null, "Pen") + "," + order(null, "Ink") + "]";

        List<Long> first = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(batch)
                .post("/orders/batch").then().statusCode(201).extract().jsonPath().getList("offset", Long.class);
        JsonPath again = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(batch)
                .post("/orders/batch").then().statusCode(201).extract().jsonPath();

        assertThat(again.getList("orderId", String.class)).containsExactly(key + "-0", key + "-1");
        assertThat(again.getList("offset", Long.class)).isEqualTo(first);
        assertThat(recordsOf(before, key + "-0") + recordsOf(before, key + "-1")).isEqualTo(2);
    }

    @Test
    void anIdPublishedOnItsOwnCannotComeBackInABatch() {
        String id = "single-" + UUID.randomUUID();
        post(order(id, "Pen"), null, "sync").then().statusCode(201);

        given().contentType(ContentType.JSON).body("[" + order(id, "Pen") + "]").post("/orders/batch").then()
                .statusCode(409).body("type", org.hamcrest.Matchers.equalTo("/problems/order-id-conflict"));
    }

    private static io.restassured.response.Response post(String body, String key, String send) {
        var request = given().contentType(ContentType.JSON).queryParam("send", send).body(body);
        return (key == null ? request : request.header("Idempotency-Key", key)).post("/orders");
    }

    private static String order(String id, String item) {
        return "{" + (id == null ? "" : "\"orderId\":\"" + id + "\",") + "\"customerId\":\"c-1\",\"item\":\"" + item
                + "\",\"quantity\":1,\"unitPrice\":2}";
    }

    /** Records of this order on the topic since {@code before}, read by a consumer of our own. */
    private long recordsOf(Map<TopicPartition, Long> before, String orderId) {
        return OrdersTopic.readAll(companion, before, IsolationLevel.READ_COMMITTED, SETTLE).stream()
                .filter(r -> r.value().contains("\"orderId\":\"" + orderId + "\"")).count();
    }
}
