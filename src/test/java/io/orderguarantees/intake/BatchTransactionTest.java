package io.orderguarantees.intake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.KafkaBrokerResource;
import io.orderguarantees.testsupport.OrdersTopic;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class BatchTransactionTest {

    @InjectKafkaCompanion
    KafkaCompanion companion;

    @Test
    void aCommittedBatchIsVisibleWholeWithTheOffsetsItReported() {
        String run = UUID.randomUUID().toString();
        Map<TopicPartition, Long> before = OrdersTopic.endOffsets(companion);

        List<Map<String, Object>> receipts = given().contentType(ContentType.JSON).body(batch(run, 5, null))
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
    void aTransactionThatFailsMidwayIsAbortedAndNoneOfItsOrdersIsVisible() {
        String run = UUID.randomUUID().toString();
        // Over the topic's max.message.bytes but under the producer's max.request.size: the broker refuses it.
        String tooLarge = "x".repeat(KafkaBrokerResource.ORDERS_MAX_MESSAGE_BYTES + 10_000);
        Map<TopicPartition, Long> before = OrdersTopic.endOffsets(companion);

        given().contentType(ContentType.JSON).body(batch(run, 6, tooLarge))
                .when().post("/orders/batch")
                .then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("RecordTooLargeException"));

        List<String> committed = ids(OrdersTopic.readAll(companion, before, IsolationLevel.READ_COMMITTED,
                Duration.ofSeconds(3)));
        List<String> inTheLog = ids(OrdersTopic.readAll(companion, before, IsolationLevel.READ_UNCOMMITTED,
                Duration.ofSeconds(3)));
        assertThat(committed).noneMatch(id -> id.startsWith(run));
        assertThat(inTheLog).as("the aborted records were written, then hidden by the abort marker")
                .anyMatch(id -> id.startsWith(run));
    }

    private static List<String> ids(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> JsonPath.from(r.value()).getString("orderId")).toList();
    }

    /** {@code count} orders of distinct customers (so they spread over partitions), the last one with {@code lastItem}. */
    private static String batch(String run, int count, String lastItem) {
        return IntStream.range(0, count).mapToObj(i -> "{\"orderId\":\"" + run + "-" + i + "\",\"customerId\":\"c-" + i
                + "\",\"item\":\"" + (i == count - 1 && lastItem != null ? lastItem : "item-" + i)
                + "\",\"quantity\":1,\"unitPrice\":10}")
                .collect(Collectors.joining(",", "[", "]"));
    }
}
