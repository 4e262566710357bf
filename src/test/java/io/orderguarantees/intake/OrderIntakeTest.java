package io.orderguarantees.intake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.orderguarantees.testsupport.KafkaBrokerResource;
import io.orderguarantees.testsupport.PostgresResource;
import io.orderguarantees.testsupport.OrdersTopic;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class OrderIntakeTest {

    @InjectKafkaCompanion
    KafkaCompanion companion;

    @ParameterizedTest(name = "acks={0}")
    @CsvSource({ "0", "1", "all" })
    void syncReturnsTheOffsetTheRecordHasAndNoneUnderAcksZero(String acks) {
        Map<TopicPartition, Long> before = OrdersTopic.endOffsets(companion);
        String customer = "c-" + UUID.randomUUID();

        JsonPath receipt = given().contentType(ContentType.JSON).body(IntakeJson.order(customer, "Mobile", 2, "100.50"))
                .queryParam("acks", acks).queryParam("send", "sync")
                .when().post("/orders")
                .then().statusCode(201).extract().jsonPath();

        ConsumerRecord<String, String> record = OrdersTopic.read(companion, before, 1).get(0);
        assertThat(record.key()).isEqualTo(customer);
        assertThat(JsonPath.from(record.value()).getString("orderId")).isEqualTo(receipt.getString("orderId"));
        assertThat(JsonPath.from(record.value()).getString("item")).isEqualTo("Mobile");
        assertThat(JsonPath.from(record.value()).getInt("quantity")).isEqualTo(2);
        assertThat(receipt.getString("topic")).isEqualTo("orders");
        assertThat(receipt.getString("acks")).isEqualTo(acks);
        assertThat(receipt.getString("send")).isEqualTo("sync");
        assertReportsWhereTheRecordIs(receipt, record, acks);
    }

    @ParameterizedTest(name = "acks={0}")
    @CsvSource({ "0", "1", "all" })
    void asyncTurnsAckedWithTheOffsetTheRecordHas(String acks) {
        Map<TopicPartition, Long> before = OrdersTopic.endOffsets(companion);
        String customer = "c-" + UUID.randomUUID();

        var response = given().contentType(ContentType.JSON).body(IntakeJson.order(customer, "Mouse", 1, "50"))
                .queryParam("acks", acks).queryParam("send", "async")
                .when().post("/orders")
                .then().statusCode(202).extract();
        String orderId = response.jsonPath().getString("orderId");
        assertThat(response.header("Location")).endsWith("/orders/" + orderId + "/delivery");

        ConsumerRecord<String, String> record = OrdersTopic.read(companion, before, 1).get(0);
        assertThat(record.key()).isEqualTo(customer);
        assertThat(JsonPath.from(record.value()).getString("orderId")).isEqualTo(orderId);

        JsonPath delivery = await().atMost(Duration.ofSeconds(10)).until(
                () -> given().get("/orders/{id}/delivery", orderId).then().statusCode(200).extract().jsonPath(),
                d -> d.getString("status").equals("ACKED"));
        assertReportsWhereTheRecordIs(delivery, record, acks);
    }

    @ParameterizedTest(name = "acks={0}")
    @CsvSource({ "0", "1", "all" })
    void fireAndForgetPublishesAndIsRememberedAsHandedOver(String acks) {
        Map<TopicPartition, Long> before = OrdersTopic.endOffsets(companion);
        String customer = "c-" + UUID.randomUUID();

        String orderId = given().contentType(ContentType.JSON).body(IntakeJson.order(customer, "Pen", 3, "2"))
                .queryParam("acks", acks).queryParam("send", "fire-and-forget")
                .when().post("/orders")
                .then().statusCode(202).extract().jsonPath().getString("orderId");

        ConsumerRecord<String, String> record = OrdersTopic.read(companion, before, 1).get(0);
        assertThat(record.key()).isEqualTo(customer);
        assertThat(JsonPath.from(record.value()).getString("orderId")).isEqualTo(orderId);
        // Remembered, but nothing is ever heard of it again.
        given().get("/orders/{id}/delivery", orderId).then().statusCode(200).body("status", equalTo("HANDED_OVER"));
    }

    @ParameterizedTest
    @CsvSource({ "given-id-1" })
    void aGivenOrderIdIsKeptAndDefaultsAreAcksAllSync(String orderId) {
        Map<TopicPartition, Long> before = OrdersTopic.endOffsets(companion);
        String body = "{\"orderId\":\"" + orderId + "-" + UUID.randomUUID()
                + "\",\"customerId\":\"1001\",\"item\":\"Notebook\",\"quantity\":1,\"unitPrice\":99}";

        JsonPath receipt = given().contentType(ContentType.JSON).body(body).when().post("/orders")
                .then().statusCode(201).extract().jsonPath();

        assertThat(receipt.getString("orderId")).startsWith(orderId);
        assertThat(receipt.getString("acks")).isEqualTo("all");
        assertThat(receipt.getString("send")).isEqualTo("sync");
        List<ConsumerRecord<String, String>> records = OrdersTopic.read(companion, before, 1);
        assertThat(JsonPath.from(records.get(0).value()).getString("orderId")).isEqualTo(receipt.getString("orderId"));
        assertThat(receipt.getLong("offset")).isEqualTo(records.get(0).offset());
    }

    /** The partition, and the offset unless acks=0, where the broker gives none: then it must be null. */
    private static void assertReportsWhereTheRecordIs(JsonPath answer, ConsumerRecord<String, String> record,
            String acks) {
        assertThat(answer.getInt("partition")).isEqualTo(record.partition());
        if (acks.equals("0")) {
            assertThat(answer.getString("offset")).as("acks=0: the broker gives no offset").isNull();
        } else {
            assertThat(answer.getLong("offset")).isEqualTo(record.offset());
        }
    }
}
