package io.orderguarantees.intake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.KafkaBrokerResource;
import io.orderguarantees.testsupport.PostgresResource;
import io.orderguarantees.testsupport.OrdersTopic;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * Another producer takes the {@code orders-tx} producer's transactional id, as a second instance started with the
 * same instance id would: the service's producer is fenced for good. A batch is then answered 503 (outcome unknown:
 * retry after a restart), not 422 "refused for good", and liveness goes DOWN so that the instance is restarted. Its own
 * profile: the fenced producer stays broken for the rest of this application's life.
 */
@QuarkusTest
@TestProfile(FencedBatchProducerTest.OwnApplication.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class FencedBatchProducerTest {

    public static class OwnApplication implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("order-guarantees.instance-id", "fenced-tests");
        }
    }

    @InjectKafkaCompanion
    KafkaCompanion companion;

    @Test
    void aFencedBatchProducerAnswers503AndTurnsLivenessDown() {
        given().contentType(ContentType.JSON).body(batch()).when().post("/orders/batch").then().statusCode(201);
        try (KafkaProducer<String, String> usurper = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, companion.getBootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "orders-tx-fenced-tests"),
                new StringSerializer(), new StringSerializer())) {
            usurper.initTransactions();
        }
        Map<TopicPartition, Long> before = OrdersTopic.endOffsets(companion);

        for (int i = 0; i < 3; i++) {
            given().contentType(ContentType.JSON).body(batch()).when().post("/orders/batch")
                    .then().statusCode(503).contentType("application/problem+json")
                    .body("type", equalTo("/problems/outcome-unknown"))
                    .body("detail", containsString("fenced"));
        }

        given().get("/q/health/live").then().statusCode(503).body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'orders-tx' }.status", equalTo("DOWN"));
        assertThat(OrdersTopic.growth(companion, before)).as("nothing committed, no marker").isZero();
    }

    private static String batch() {
        String run = UUID.randomUUID().toString();
        return "[{\"orderId\":\"" + run + "\",\"customerId\":\"c-1\",\"item\":\"Pen\",\"quantity\":1,\"unitPrice\":2}]";
    }
}
