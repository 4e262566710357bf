package io.orderguarantees.billing;

import static io.orderguarantees.testsupport.BillingApi.awaitInvoices;
import static io.orderguarantees.testsupport.BillingApi.invoices;
import static io.orderguarantees.testsupport.BillingApi.placeOrder;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import java.net.URL;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.KafkaBrokerResource;
import io.orderguarantees.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Faults injected into the running service: transient failures are retried, by the calculator and then by the
 * pipeline, and never dead-lettered; a record that never completes trips the throttled strategy's guard, which the
 * health check reports.
 */
@QuarkusTest
@TestProfile(InjectedFaultsTest.Faulty.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class InjectedFaultsTest {

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    public static class Faulty implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    // Two failed attempts, then success: within @Retry's three retries.
                    "order-guarantees.billing.faults.at-most-once.failing-attempts", "2",
                    // Five failed attempts: more than @Retry's three retries, so the pipeline tries again.
                    "order-guarantees.billing.faults.exactly-once.failing-attempts", "5",
                    "order-guarantees.billing.faults.at-least-once.stall-after-records", "1",
                    "mp.messaging.incoming.billing-at-least-once.throttled.unprocessed-record-max-age.ms", "3000");
        }
    }

    @Test
    void transientFailuresAreRetriedAndBilledOnce() {
        String customer = placeOrder("Pen", 1, "2");

        assertThat(awaitInvoices("at-most-once", customer, 1)).hasSize(1);
    }

    @Test
    void failuresOutlastingTheCalculatorsRetriesAreTriedAgainAndBilledOnceNotDeadLettered() {
        String customer = placeOrder("Pen", 1, "2");

        // Four attempts in the first round (the first and @Retry's three), the fifth fails again, the sixth bills.
        assertThat(awaitInvoices("exactly-once", customer, 1)).hasSize(1);
        given().get("/billing/dead-letters").then().statusCode(200)
                .body("findAll { it.key == '" + customer + "' }", org.hamcrest.Matchers.empty());
        given().get(metrics).then().statusCode(200)
                .body(containsString("billing_retries_total{pipeline=\"exactly-once\"}"));
    }

    @Test
    void aRecordThatNeverCompletesMakesTheServiceUnhealthy() {
        placeOrder("Pen", 1, "2");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/live").then()
                .statusCode(503).body("status", equalTo("DOWN"))
                .body("checks.find { it.status == 'DOWN' }.data.'billing-at-least-once'", startsWith("[KO]")));
    }
}
