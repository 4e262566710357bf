package io.orderguarantees.billing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.common.mapper.TypeRef;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** A pipeline switched off in configuration consumes nothing, and the others go on. */
@QuarkusTest
@TestProfile(PipelineSwitchTest.AtMostOnceOff.class)
@WithTestResource(KafkaBrokerResource.class)
class PipelineSwitchTest {

    public static class AtMostOnceOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.messaging.incoming.billing-at-most-once.enabled", "false",
                    "mp.messaging.outgoing.invoices-at-most-once.enabled", "false");
        }
    }

    @InjectKafkaCompanion
    KafkaCompanion companion;

    @Test
    void aSwitchedOffPipelineBillsNothingWhileTheOthersBill() {
        String customer = "c-" + UUID.randomUUID();
        given().contentType(ContentType.JSON)
                .body("{\"customerId\":\"" + customer + "\",\"item\":\"Pen\",\"quantity\":1,\"unitPrice\":2}")
                .post("/orders").then().statusCode(201);

        for (String pipeline : List.of("at-least-once", "exactly-once")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> invoices(pipeline, customer), found -> found.size() == 1);
        }
        assertThat(invoices("at-most-once", customer)).isEmpty();
        assertThat(companion.consumerGroups().list()).extracting(g -> g.groupId())
                .contains("billing-at-least-once", "billing-exactly-once")
                .doesNotContain("billing-at-most-once");
    }

    private static List<Invoice> invoices(String pipeline, String customer) {
        return given().queryParam("customerId", customer).get("/billing/{p}/invoices", pipeline).then().statusCode(200)
                .extract().as(new TypeRef<List<Invoice>>() {
                });
    }
}
