package io.orderguarantees.billing;

import static io.orderguarantees.testsupport.BillingApi.awaitInvoices;
import static io.orderguarantees.testsupport.BillingApi.invoices;
import static io.orderguarantees.testsupport.BillingApi.placeOrder;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.KafkaBrokerResource;
import io.orderguarantees.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** A pipeline switched off in configuration consumes nothing, and the others go on. */
@QuarkusTest
@TestProfile(PipelineSwitchTest.AtMostOnceOff.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
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
        String customer = placeOrder("Pen", 1, "2");

        for (String pipeline : List.of("at-least-once", "exactly-once")) {
            assertThat(awaitInvoices(pipeline, customer, 1)).hasSize(1);
        }
        assertThat(invoices("at-most-once", customer)).isEmpty();
        assertThat(companion.consumerGroups().list()).extracting(g -> g.groupId())
                .contains("billing-at-least-once", "billing-exactly-once")
                .doesNotContain("billing-at-most-once");
    }

}
