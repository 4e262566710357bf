package io.orderguarantees.operate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.BillingCluster;
import io.orderguarantees.testsupport.ServiceProcess;

/** The packaged service in the prod profile offers no fault to inject and no dev endpoint, whatever it is told. */
class ProductionSafetyIT {

    @Test
    void prodRefusesToStartWhenAnyFaultIsConfigured() throws Exception {
        try (BillingCluster cluster = new BillingCluster();
                ServiceProcess prod = ServiceProcess.startMayExit("prod-faults", "refused", cluster.bootstrapServers(),
                        Map.of("quarkus.profile", "prod",
                                "order-guarantees.billing.faults.exactly-once.crash-point", "before-processing"))) {
            OptionalInt exit = prod.awaitExit(Duration.ofSeconds(60));
            assertThat(exit).as("the service stopped at start").isPresent();
            assertThat(exit.getAsInt()).isNotZero();
            assertThat(prod.log()).contains("faults can be injected only in the dev and test profiles");
        }
    }

    @Test
    void anInvalidSettingStopsTheServiceAndIsNamed() throws Exception {
        try (BillingCluster cluster = new BillingCluster();
                ServiceProcess invalid = ServiceProcess.startMayExit("prod-invalid", "refused",
                        cluster.bootstrapServers(), Map.of("quarkus.profile", "prod",
                                "order-guarantees.intake.idempotency-window-size", "0"))) {
            OptionalInt exit = invalid.awaitExit(Duration.ofSeconds(60));
            assertThat(exit).as("the service stopped at start").isPresent();
            assertThat(invalid.log()).contains("order-guarantees.intake.idempotency-window-size");
        }
    }

    @Test
    void prodWithoutBootstrapServersStopsAtStartNamingTheVariable() throws Exception {
        try (ServiceProcess unconfigured = ServiceProcess.startMayExit("prod-no-broker", "refused", null,
                Map.of("quarkus.profile", "prod"))) {
            OptionalInt exit = unconfigured.awaitExit(Duration.ofSeconds(60));
            assertThat(exit).as("the service stopped at start instead of trying localhost:9092").isPresent();
            assertThat(exit.getAsInt()).isNotZero();
            assertThat(unconfigured.log()).contains("KAFKA_BOOTSTRAP_SERVERS").doesNotContain("localhost:9092");
        }
    }

    @Test
    void prodWithoutADatabaseStopsAtStartNamingTheVariables() throws Exception {
        try (BillingCluster cluster = new BillingCluster();
                ServiceProcess unconfigured = ServiceProcess.startMayExit("prod-no-database", "refused",
                        cluster.bootstrapServers(), Map.of("quarkus.profile", "prod", ServiceProcess.NO_DATABASE, ""))) {
            OptionalInt exit = unconfigured.awaitExit(Duration.ofSeconds(60));
            assertThat(exit).as("the service stopped at start").isPresent();
            assertThat(exit.getAsInt()).isNotZero();
            assertThat(unconfigured.log()).contains("QUARKUS_DATASOURCE_JDBC_URL");
        }
    }

    @Test
    void prodServesOrdersAndNoDevEndpoint() throws Exception {
        try (BillingCluster cluster = new BillingCluster();
                ServiceProcess prod = ServiceProcess.start("prod", "served", cluster.bootstrapServers(),
                        Map.of("quarkus.profile", "prod"))) {
            given().baseUri(prod.baseUrl()).contentType("application/json")
                    .body("{\"customerId\":\"1001\",\"item\":\"Pen\",\"quantity\":1,\"unitPrice\":2}")
                    .post("/orders").then().statusCode(201);
            given().baseUri(prod.baseUrl()).get("/q/dev-ui").then().statusCode(404);
            given().baseUri(prod.baseUrl()).get("/q/dev").then().statusCode(404);
            given().baseUri(prod.baseUrl()).post("/bench/publish?count=1").then().statusCode(404);
            assertThat(prod.log()).contains("Profile prod activated").doesNotContain("Faults armed");
        }
    }
}
