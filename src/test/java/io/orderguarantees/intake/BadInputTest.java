package io.orderguarantees.intake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.orderguarantees.testsupport.KafkaBrokerResource;
import io.orderguarantees.testsupport.PostgresResource;
import io.orderguarantees.testsupport.OrdersTopic;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.specification.RequestSpecification;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class BadInputTest {

    private static final String JSON = "application/json";
    private static final String GOOD = IntakeJson.order("1001", "Mobile", 1, "100");

    @InjectKafkaCompanion
    KafkaCompanion companion;

    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of("malformed JSON", "/orders", JSON, "{\"customerId\":", 400, "body"),
                Arguments.of("missing customerId", "/orders", JSON,
                        "{\"item\":\"Mobile\",\"quantity\":1,\"unitPrice\":100}", 400, "customerId"),
                Arguments.of("a NUL in customerId", "/orders", JSON,
                        "{\"customerId\":\"10\\u000001\",\"item\":\"Mobile\",\"quantity\":1,\"unitPrice\":100}", 400,
                        "customerId"),
                Arguments.of("blank item", "/orders", JSON, IntakeJson.order("1001", " ", 1, "100"), 400, "item"),
                Arguments.of("quantity 0", "/orders", JSON, IntakeJson.order("1001", "Mobile", 0, "100"), 400, "quantity"),
                Arguments.of("quantity not a number", "/orders", JSON,
                        "{\"customerId\":\"1001\",\"item\":\"Mobile\",\"quantity\":\"two\",\"unitPrice\":100}", 400,
                        "quantity"),
                Arguments.of("negative unitPrice", "/orders", JSON, IntakeJson.order("1001", "Mobile", 1, "-0.01"), 400,
                        "unitPrice"),
                Arguments.of("missing unitPrice", "/orders", JSON,
                        "{\"customerId\":\"1001\",\"item\":\"Mobile\",\"quantity\":1}", 400, "unitPrice"),
                Arguments.of("empty body", "/orders", JSON, "", 400, "body"),
                Arguments.of("JSON array instead of an order", "/orders", JSON, "[" + GOOD + "]", 400, "body"),
                Arguments.of("unknown acks", "/orders?acks=2", JSON, GOOD, 400, "acks"),
                Arguments.of("unknown send", "/orders?send=later", JSON, GOOD, 400, "send"),
                Arguments.of("text to the JSON endpoint", "/orders", "text/plain", GOOD, 415, null),
                Arguments.of("body over 1 MiB", "/orders", JSON,
                        IntakeJson.order("1001", "x".repeat(1024 * 1024), 1, "100"), 413, null),
                Arguments.of("empty batch", "/orders/batch", JSON, "[]", 400, "body"),
                Arguments.of("batch that is not an array", "/orders/batch", JSON, GOOD, 400, "body"),
                Arguments.of("lines without separator", "/orders/lines", "text/plain", "1001 Mobile,100", 400, "line 1"),
                Arguments.of("lines with unknown acks", "/orders/lines?acks=many", "text/plain", "1001:Mobile,100", 400,
                        "acks"),
                Arguments.of("empty lines", "/orders/lines", "text/plain", "\n\n", 400, "body"),
                Arguments.of("JSON to the lines endpoint", "/orders/lines", JSON, GOOD, 415, null),
                // Each of these was once published and answered 201, or published and then answered 500.
                Arguments.of("quantity 1.5, once billed as 1", "/orders", JSON,
                        "{\"customerId\":\"1001\",\"item\":\"Mobile\",\"quantity\":1.5,\"unitPrice\":100}", 400,
                        "quantity"),
                Arguments.of("quantity over a million", "/orders", JSON, IntakeJson.order("1001", "Mobile", 1_000_001,
                        "100"), 400, "quantity"),
                Arguments.of("unitPrice 1e308", "/orders", JSON, IntakeJson.order("1001", "Mobile", 1, "1e308"), 400,
                        "unitPrice"),
                Arguments.of("unitPrice \"1e999\"", "/orders", JSON, IntakeJson.order("1001", "Mobile", 1, "\"1e999\""),
                        400, "unitPrice"),
                Arguments.of("unitPrice 1e-100000000, once the audit's undoing", "/orders", JSON,
                        IntakeJson.order("1001", "Mobile", 1, "1e-100000000"), 400, "unitPrice"),
                Arguments.of("unitPrice with five decimals", "/orders", JSON,
                        IntakeJson.order("1001", "Mobile", 1, "0.00001"), 400, "unitPrice"),
                Arguments.of("orderId with a space (async)", "/orders?send=async", JSON, withOrderId("a b"), 400,
                        "orderId"),
                Arguments.of("orderId with a percent sign", "/orders?send=async", JSON, withOrderId("50%"), 400,
                        "orderId"),
                Arguments.of("orderId with a quote", "/orders", JSON, withOrderId("a\\\"b"), 400, "orderId"),
                Arguments.of("orderId NUL", "/orders", JSON, withOrderId("\\u0000"), 400, "orderId"),
                Arguments.of("orderId markup", "/orders", JSON, withOrderId("<script>"), 400, "orderId"),
                Arguments.of("orderId path", "/orders?send=async", JSON, withOrderId("../../etc"), 400, "orderId"),
                Arguments.of("orderId over 128", "/orders", JSON, withOrderId("a".repeat(129)), 400, "orderId"),
                Arguments.of("item over 1024", "/orders", JSON, IntakeJson.order("1001", "x".repeat(1025), 1, "100"), 400,
                        "item"),
                Arguments.of("batch element with quantity 1.5", "/orders/batch", JSON, "[" + GOOD + ","
                        + "{\"customerId\":\"1001\",\"item\":\"Mobile\",\"quantity\":1.5,\"unitPrice\":100}]", 400,
                        "[1].quantity"));
    }

    private static String withOrderId(String orderId) {
        return "{\"orderId\":\"" + orderId + "\"," + GOOD.substring(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputIsAProblemNamingTheFieldAndNothingIsPublished(String name, String path, String contentType,
            String body, int status, String field) {
        Map<TopicPartition, Long> before = OrdersTopic.endOffsets(companion);

        RequestSpecification request = given().contentType(contentType).body(body);
        var response = request.when().post(path)
                .then().statusCode(status).contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("title", org.hamcrest.Matchers.notNullValue())
                .body("instance", equalTo(path.replaceAll("\\?.*", "")));
        if (field != null) {
            response.body("errors[0].field", equalTo(field)).body("detail", containsString(field));
        }

        assertThat(OrdersTopic.growth(companion, before)).isZero();
    }
}
