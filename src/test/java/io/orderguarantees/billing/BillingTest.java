package io.orderguarantees.billing;

import static io.orderguarantees.testsupport.BillingApi.awaitInvoices;
import static io.orderguarantees.testsupport.BillingApi.invoices;
import static io.orderguarantees.testsupport.BillingApi.placeOrder;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.math.BigDecimal;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.orderguarantees.testsupport.KafkaBrokerResource;
import io.orderguarantees.testsupport.PostgresResource;
import io.orderguarantees.testsupport.TopicReader;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.common.mapper.TypeRef;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class BillingTest {

    private static final Duration BILLED = Duration.ofSeconds(30);
    private static final List<String> PIPELINES = List.of("at-most-once", "at-least-once", "exactly-once");

    @InjectKafkaCompanion
    KafkaCompanion companion;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "at-most-once", "at-least-once", "exactly-once" })
    void anOrderIsInvoicedOnceWithQuantityTimesUnitPrice(String pipeline) {
        String customer = "c-" + UUID.randomUUID();
        JsonPath receipt = given().contentType(ContentType.JSON)
                .body("{\"customerId\":\"" + customer + "\",\"item\":\"Mobile\",\"quantity\":3,\"unitPrice\":19.99}")
                .post("/orders").then().statusCode(201).extract().jsonPath();

        List<Invoice> invoices = awaitInvoices(pipeline, customer, 1);

        Invoice invoice = invoices.get(0);
        assertThat(invoice.orderId()).isEqualTo(receipt.getString("orderId"));
        assertThat(invoice.amount()).isEqualByComparingTo(new BigDecimal("59.97"));
        assertThat(invoice.partition()).isEqualTo(receipt.getInt("partition"));
        assertThat(invoice.offset()).isEqualTo(receipt.getLong("offset"));
        assertThat(invoice.pipeline()).isEqualTo(pipeline);
    }

    @Test
    void aTextRecordFromAnotherClientIsBilledWithAnIdDerivedFromItsCoordinates() {
        String customer = "c-" + UUID.randomUUID();
        companion.produceStrings().fromRecords(new ProducerRecord<>("orders", customer, "\u201CMobile,100,2\u201D"))
                .awaitCompletion();

        for (String pipeline : PIPELINES) {
            Invoice invoice = awaitInvoices(pipeline, customer, 1).get(0);
            assertThat(invoice.orderId()).isEqualTo("orders-" + invoice.partition() + "-" + invoice.offset());
            assertThat(invoice.amount()).isEqualByComparingTo("200");
        }
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterTopicWithItsReasonAndTheNextOrderIsBilled() {
        String customer = "c-" + UUID.randomUUID();
        String poison = "not an order " + UUID.randomUUID();
        companion.produceStrings().fromRecords(new ProducerRecord<>("orders", customer, poison),
                new ProducerRecord<>("orders", customer, "Pen,2")).awaitCompletion();

        for (String pipeline : PIPELINES) {
            assertThat(awaitInvoices(pipeline, customer, 1)).extracting(Invoice::amount)
                    .usingComparatorForType(BigDecimal::compareTo, BigDecimal.class).containsExactly(new BigDecimal("2"));
        }
        List<BillingAudit.DeadLetter> letters = await().atMost(BILLED).until(
                () -> given().get("/billing/dead-letters").then().statusCode(200).extract()
                        .as(new TypeRef<List<BillingAudit.DeadLetter>>() {
                        }).stream().filter(d -> poison.equals(d.value())).toList(),
                found -> found.size() == PIPELINES.size());
        assertThat(letters).allSatisfy(letter -> {
            assertThat(letter.key()).isEqualTo(customer);
            assertThat(letter.reason()).contains("neither JSON nor item,unitPrice");
            assertThat(letter.sourceTopic()).isEqualTo("orders");
            assertThat(letter.sourceOffset()).isNotNull();
        });
        assertThat(letters).extracting(BillingAudit.DeadLetter::sourceOffset).containsOnly(letters.get(0).sourceOffset());
    }

    @Test
    void aCustomersInvoicesFollowTheOrderOfPublication() {
        String customer = "c-" + UUID.randomUUID();
        given().contentType("text/plain; charset=UTF-8")
                .body(customer + ":Mobile,100\n" + customer + ":Computer,1500\n" + customer + ":Notebook,99")
                .post("/orders/lines").then().statusCode(201);

        for (String pipeline : PIPELINES) {
            assertThat(awaitInvoices(pipeline, customer, 3)).extracting(Invoice::amount)
                    .usingComparatorForType(BigDecimal::compareTo, BigDecimal.class)
                    .containsExactly(new BigDecimal("100"), new BigDecimal("1500"), new BigDecimal("99"));
        }
    }

    @Test
    void aCustomersInvoicesComeAPageAtATimeByTheirLinkHeader() {
        String customer = "c-" + UUID.randomUUID();
        given().contentType("text/plain; charset=UTF-8")
                .body(customer + ":Mobile,100\n" + customer + ":Computer,1500\n" + customer + ":Notebook,99")
                .post("/orders/lines").then().statusCode(201);
        awaitInvoices("exactly-once", customer, 3);

        var first = given().queryParam("customerId", customer).queryParam("limit", 2)
                .get("/billing/exactly-once/invoices").then().statusCode(200).extract();
        String next = first.header("Link").replaceAll("^<([^>]*)>; rel=\"next\"$", "$1");
        var second = given().urlEncodingEnabled(false).get(next).then().statusCode(200).extract();

        assertThat(first.jsonPath().getList("amount", BigDecimal.class))
                .usingComparatorForType(BigDecimal::compareTo, BigDecimal.class)
                .containsExactly(new BigDecimal("100"), new BigDecimal("1500"));
        assertThat(second.jsonPath().getList("amount", BigDecimal.class))
                .usingComparatorForType(BigDecimal::compareTo, BigDecimal.class)
                .containsExactly(new BigDecimal("99"));
        assertThat(second.header("Link")).as("a page that is not full is the last").isNull();
        given().queryParam("after", "two").get("/billing/exactly-once/invoices").then().statusCode(400)
                .body("errors[0].field", equalTo("after"));
    }

    @Test
    void theSummaryCountsInvoicesDistinctOrdersAndDuplicatesFromTheTopic() {
        String customer = placeOrder("Desk", 1, "250");
        awaitInvoices("exactly-once", customer, 1);

        JsonPath summary = given().get("/billing/exactly-once/summary").then().statusCode(200).extract().jsonPath();
        assertThat(summary.getString("pipeline")).isEqualTo("exactly-once");
        assertThat(summary.getLong("invoices")).isPositive();
        assertThat(summary.getLong("duplicates")).isZero();
        assertThat(summary.getLong("distinctOrders")).isEqualTo(summary.getLong("invoices"));
        assertThat(new BigDecimal(summary.getString("totalAmount"))).isGreaterThanOrEqualTo(new BigDecimal("250"));
    }

    /**
     * A redelivered invoice, made from outside: the very record at-least-once wrote, produced once more. The audit's
     * summary and the {@code billing_duplicates} gauge must both count it; a count wired to 0 would not.
     */
    @Test
    void anInvoiceProducedTwiceFromOutsideIsCountedAsADuplicateByTheSummaryAndTheGauge() {
        String customer = placeOrder("Lamp", 1, "40");
        awaitInvoices("at-least-once", customer, 1);
        long before = summaryDuplicates();
        ConsumerRecord<String, String> invoice = TopicReader.readToEnd(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, companion.getBootstrapServers()), "invoices-at-least-once")
                .stream().filter(r -> customer.equals(r.key())).findFirst().orElseThrow();

        companion.produceStrings().fromRecords(new ProducerRecord<>(invoice.topic(), invoice.key(), invoice.value()))
                .awaitCompletion();

        await().atMost(BILLED).untilAsserted(() -> {
            assertThat(summaryDuplicates()).isEqualTo(before + 1);
            assertThat(given().get(metrics).then().statusCode(200).extract().asString().lines()
                    .filter(line -> line.startsWith("billing_duplicates{") && line.contains("at-least-once"))
                    .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))))
                    .containsExactly((double) before + 1);
        });
    }

    private static long summaryDuplicates() {
        return given().get("/billing/at-least-once/summary").then().statusCode(200).extract().jsonPath()
                .getLong("duplicates");
    }

    @Test
    void anUnknownPipelineIsA404Problem() {
        given().get("/billing/twice/summary").then().statusCode(404).contentType("application/problem+json")
                .body("status", equalTo(404));
    }

}
