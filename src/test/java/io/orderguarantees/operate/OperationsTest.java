package io.orderguarantees.operate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.KafkaBrokerResource;
import io.orderguarantees.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * What an operator sees: health, Prometheus metrics, the OpenAPI document and Swagger UI. {@code OperationsIT} runs
 * the same against the packaged service, in the prod profile.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class OperationsTest {

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-z_]+)\\{([^}]*)\\} (\\S+)$");

    @Test
    void readinessReflectsTheKafkaChannelsAndLivenessTheThrottledGuard() {
        JsonPath ready = given().get("/q/health/ready").then().statusCode(200).extract().jsonPath();
        assertThat(ready.getString("status")).isEqualTo("UP");
        assertThat(ready.getList("checks.name", String.class))
                .contains("SmallRye Reactive Messaging - readiness check");
        JsonPath live = given().get("/q/health/live").then().statusCode(200).extract().jsonPath();
        Map<String, Object> channels = live.getMap("checks.find { it.name == 'SmallRye Reactive Messaging - liveness "
                + "check' }.data");
        assertThat(channels).containsKeys("billing-at-least-once", "billing-exactly-once", "orders-acks-all");
    }

    @Test
    void publishedOrdersAndTheirDeliveryLatencyAreCountedByAcksSendAndOutcome() {
        double before = sample("orders_published_total", "acks=\"all\"", "outcome=\"acked\"", "send=\"sync\"");
        given().contentType(ContentType.JSON).body(order()).queryParam("acks", "all").queryParam("send", "sync")
                .post("/orders").then().statusCode(201);
        given().contentType(ContentType.JSON).body(order()).queryParam("acks", "1")
                .queryParam("send", "fire-and-forget").post("/orders").then().statusCode(202);

        assertThat(sample("orders_published_total", "acks=\"all\"", "outcome=\"acked\"", "send=\"sync\""))
                .isEqualTo(before + 1);
        assertThat(sample("orders_published_total", "acks=\"1\"", "outcome=\"handed-over\"",
                "send=\"fire-and-forget\"")).isPositive();
        assertThat(sample("orders_delivery_seconds_count", "acks=\"all\"", "outcome=\"acked\"", "send=\"sync\""))
                .isPositive();
        assertThat(sample("orders_delivery_seconds", "quantile=\"0.99\"", "acks=\"all\"", "send=\"sync\""))
                .isPositive();
        assertThat(metrics()).contains("orders_delivery_seconds_bucket{");
    }

    @Test
    void invoicesDuplicatesDeadLettersAndConsumerLagAreExposed() {
        given().contentType(ContentType.JSON).body(order()).post("/orders").then().statusCode(201);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String pipeline : List.of("at-most-once", "at-least-once", "exactly-once")) {
                assertThat(sample("billing_invoices_written_total", "pipeline=\"" + pipeline + "\"")).isPositive();
            }
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(sample("billing_duplicates", "pipeline=\"exactly-once\"")).isZero();
            assertThat(sample("billing_invoices", "pipeline=\"exactly-once\"")).isPositive();
        });
        assertThat(sample("billing_dead_letters")).isNotNegative();
        assertThat(metrics()).contains("kafka_consumer_fetch_manager_records_lag_max{");
    }

    @Test
    void theOpenApiDocumentDescribesEveryEndpointAndItsProblems() {
        JsonPath openapi = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract()
                .jsonPath();
        assertThat(openapi.getMap("paths")).containsKeys("/orders", "/orders/{orderId}/delivery", "/orders/lines",
                "/orders/batch", "/billing/{pipeline}/summary", "/billing/{pipeline}/invoices", "/billing/dead-letters");
        assertThat(openapi.getMap("paths.'/orders'.post.responses")).containsKeys("201", "202", "400", "422", "503");
        assertThat(openapi.getString("paths.'/orders'.post.responses.'400'.content.'application/problem+json'"
                + ".schema.'$ref'")).isEqualTo("#/components/schemas/Problem");
        assertThat(openapi.getMap("paths.'/billing/{pipeline}/summary'.get.responses.'404'.content"))
                .containsKey("application/problem+json");
        assertThat(openapi.getMap("components.schemas.Problem.properties")).containsKeys("type", "title", "status",
                "detail", "instance", "errors");
        assertThat(openapi.getList("paths.'/orders'.post.parameters.name", String.class)).contains("acks", "send");
        assertThat(given().get("/q/swagger-ui/").then().statusCode(200).extract().asString()).contains("swagger");
    }

    private static String order() {
        return "{\"customerId\":\"ops-" + UUID.randomUUID() + "\",\"item\":\"Pen\",\"quantity\":1,\"unitPrice\":2}";
    }

    /** Prometheus metrics, on the management interface's own port. */
    private String metrics() {
        return given().get(metrics).then().statusCode(200).extract().asString();
    }

    /** The value of the one sample of {@code name} whose labels include all of {@code labels}; 0 when none. */
    private double sample(String name, String... labels) {
        Matcher m = SAMPLE.matcher(metrics());
        while (m.find()) {
            if (m.group(1).equals(name) && List.of(labels).stream().allMatch(m.group(2)::contains)) {
                return Double.parseDouble(m.group(3));
            }
        }
        return name.equals("billing_dead_letters") ? sampleWithoutLabels(name) : 0;
    }

    private double sampleWithoutLabels(String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? (\\S+)$").matcher(metrics());
        return m.find() ? Double.parseDouble(m.group(2)) : -1;
    }
}
