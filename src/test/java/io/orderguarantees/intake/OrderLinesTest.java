package io.orderguarantees.intake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.KafkaBrokerResource;
import io.orderguarantees.testsupport.PostgresResource;
import io.orderguarantees.testsupport.OrdersTopic;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class OrderLinesTest {

    @InjectKafkaCompanion
    KafkaCompanion companion;

    @Test
    void consoleProducerLinesArePublishedKeyedByCustomerAndInOrderPerCustomer() {
        // Customers unique to this run, so that reading back counts only these records.
        String run = UUID.randomUUID().toString().substring(0, 8);
        String c1 = "1001-" + run, c2 = "1002-" + run, c3 = "1003-" + run;
        String lines = String.join("\n",
                c1 + ":Mobile,100", "\"" + c2 + ":Mouse,50\"", c1 + ":Computer,1500",
                "\u201C" + c3 + ":Pen,2\u201D", c2 + ":Earphone,65", c1 + ":Notebook,99", "");
        Map<TopicPartition, Long> before = OrdersTopic.endOffsets(companion);

        List<Map<String, Object>> results = given().contentType("text/plain; charset=UTF-8").body(lines)
                .queryParam("acks", "all").queryParam("separator", ":")
                .when().post("/orders/lines")
                .then().statusCode(201).extract().jsonPath().getList("$");

        assertThat(results).hasSize(6);
        List<ConsumerRecord<String, String>> records = OrdersTopic.read(companion, before, 6);
        assertThat(records).extracting(ConsumerRecord::key).containsExactlyInAnyOrder(c1, c2, c1, c3, c2, c1);
        List<ConsumerRecord<String, String>> first = records.stream().filter(r -> r.key().equals(c1)).toList();
        assertThat(first).extracting(ConsumerRecord::partition).containsOnly(first.get(0).partition());
        assertThat(first).extracting(r -> JsonPath.from(r.value()).getString("item"))
                .containsExactly("Mobile", "Computer", "Notebook");
        assertThat(first).extracting(ConsumerRecord::offset).isSorted();
        ConsumerRecord<String, String> pen = records.stream().filter(r -> r.key().equals(c3)).findFirst().orElseThrow();
        assertThat(JsonPath.from(pen.value()).getInt("quantity")).isEqualTo(1);
        assertThat(JsonPath.from(pen.value()).getString("unitPrice")).isEqualTo("2");
        assertThat(results).extracting(r -> ((Number) r.get("offset")).longValue())
                .containsExactlyInAnyOrderElementsOf(records.stream().map(ConsumerRecord::offset).toList());
    }

    @Test
    void aBadLineIsNamedAndNothingIsPublished() {
        Map<TopicPartition, Long> before = OrdersTopic.endOffsets(companion);

        given().contentType("text/plain; charset=UTF-8").body("1001:Mobile,100\n1002:Mouse,fifty\n1003:Pen,2,3")
                .when().post("/orders/lines")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("line 2"))
                .body("errors.field", hasItem("line 2"))
                .body("errors.message", hasItem(containsString("unitPrice")));

        assertThat(OrdersTopic.growth(companion, before)).isZero();
    }

    @Test
    void anotherSeparatorAndAQuantityAreRead() {
        Map<TopicPartition, Long> before = OrdersTopic.endOffsets(companion);
        String customer = "c-" + UUID.randomUUID();

        given().contentType("text/plain; charset=UTF-8").body(customer + "|Cable,3.25,4")
                .queryParam("separator", "|").queryParam("acks", "1")
                .when().post("/orders/lines")
                .then().statusCode(201).body("[0].acks", equalTo("1"));

        JsonPath order = JsonPath.from(OrdersTopic.read(companion, before, 1).get(0).value());
        assertThat(order.getString("customerId")).isEqualTo(customer);
        assertThat(order.getInt("quantity")).isEqualTo(4);
        assertThat(order.getString("unitPrice")).isEqualTo("3.25");
    }
}
