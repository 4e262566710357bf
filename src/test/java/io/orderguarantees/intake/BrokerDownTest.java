package io.orderguarantees.intake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.InjectBroker;
import io.orderguarantees.testsupport.KafkaBrokerResource;
import io.orderguarantees.testsupport.PostgresResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/** A real broker, stopped: the service answers honestly and in bounded time, and buffers nothing without bound. */
@QuarkusTest
@TestProfile(BrokerDownTest.SmallBuffers.class)
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = "own-broker", value = "true"))
@WithTestResource(PostgresResource.class)
class BrokerDownTest {

    /** delivery.timeout.ms in the test profile. */
    private static final Duration DELIVERY_TIMEOUT = Duration.ofMillis(6000);
    // Small, because with no broker each record blocks the channel's one sending thread for max.block.ms per
    // attempt: the accepted ones fail one after the other.
    private static final int IN_FLIGHT = 2;
    private static final int BUFFER = 2;

    public static class SmallBuffers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.messaging.connector.smallrye-kafka.max-inflight-messages", String.valueOf(IN_FLIGHT),
                    "mp.messaging.emitter.default-buffer-size", String.valueOf(BUFFER),
                    // each accepted record blocks the sending thread this long per attempt
                    "%test.kafka.max.block.ms", "1000");
        }
    }

    @InjectBroker
    EmbeddedKafkaBroker broker;

    @BeforeEach
    void stopTheBrokerOnceTheProducersKnowIt() {
        if (broker.isRunning()) {
            for (String acks : List.of("0", "1", "all")) {
                given().contentType(ContentType.JSON).body(IntakeJson.order("warm-up", "Pen", 1, "1"))
                        .queryParam("acks", acks).post("/orders").then().statusCode(201);
            }
            broker.close();
        }
    }

    @Test
    void syncIsAnsweredWith503WithinTheDeliveryTimeout() {
        long start = System.nanoTime();

        given().contentType(ContentType.JSON).body(IntakeJson.order("1001", "Mobile", 1, "100"))
                .queryParam("acks", "all").queryParam("send", "sync")
                .when().post("/orders")
                .then().statusCode(503).contentType("application/problem+json")
                // Conservative: with no broker the record never left send(), but the connector reports that failure
                // as it reports a batch that expired after it was sent, so the client is told to retry the same id.
                .body("type", equalTo("/problems/outcome-unknown"))
                .body("detail", containsString("retry with the same orderId"));

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isLessThan(DELIVERY_TIMEOUT.plusSeconds(2));
    }

    @Test
    void asyncEndsFailedAndASaturatedProducerAnswers503InsteadOfBuffering() {
        List<ExtractableResponse<Response>> responses = new ArrayList<>();
        for (int i = 0; i < IN_FLIGHT + BUFFER + 4; i++) {
            responses.add(given().contentType(ContentType.JSON).body(IntakeJson.order("1002", "Mouse", 1, "50"))
                    .queryParam("acks", "1").queryParam("send", "async")
                    .when().post("/orders").then().extract());
        }

        List<String> accepted = responses.stream().filter(r -> r.statusCode() == 202)
                .map(r -> r.jsonPath().getString("orderId")).toList();
        List<ExtractableResponse<Response>> refused = responses.stream().filter(r -> r.statusCode() == 503).toList();
        assertThat(accepted.size() + refused.size()).isEqualTo(responses.size());
        assertThat(accepted).hasSizeLessThanOrEqualTo(IN_FLIGHT + BUFFER).isNotEmpty();
        assertThat(refused).isNotEmpty().allSatisfy(r -> {
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.jsonPath().getString("type")).isEqualTo("/problems/not-written");
        });
        for (String orderId : accepted) {
            await().atMost(DELIVERY_TIMEOUT.multipliedBy(2)).untilAsserted(() -> given()
                    .get("/orders/{id}/delivery", orderId).then().statusCode(200)
                    .body("status", equalTo("FAILED"))
                    .body("error", containsString("Exception")));
        }
    }
}
