package io.orderguarantees.operate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.BillingCluster;
import io.orderguarantees.shared.Roles;
import io.orderguarantees.testsupport.ServiceProcess;
import io.orderguarantees.testsupport.TestTokens;

/**
 * The packaged service in the prod profile offers no fault to inject and no dev endpoint, whatever it is told, and
 * serves only callers whose tokens it can verify.
 */
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
    void prodWithoutAKeyToVerifyTokensStopsAtStartNamingTheVariables() throws Exception {
        try (BillingCluster cluster = new BillingCluster();
                ServiceProcess unconfigured = ServiceProcess.startMayExit("prod-no-token-key", "refused",
                        cluster.bootstrapServers(), Map.of("quarkus.profile", "prod", ServiceProcess.NO_TOKEN_KEY, ""))) {
            OptionalInt exit = unconfigured.awaitExit(Duration.ofSeconds(60));
            assertThat(exit).as("the service stopped at start instead of turning every caller away").isPresent();
            assertThat(exit.getAsInt()).isNotZero();
            assertThat(unconfigured.log()).contains("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "MP_JWT_VERIFY_ISSUER");
        }
    }

    @Test
    void prodServesOrdersToItsCallersOnlyAndNoDevEndpoint() throws Exception {
        try (BillingCluster cluster = new BillingCluster();
                ServiceProcess prod = ServiceProcess.start("prod", "served", cluster.bootstrapServers(),
                        Map.of("quarkus.profile", "prod"))) {
            String order = "{\"customerId\":\"1001\",\"item\":\"Pen\",\"quantity\":1,\"unitPrice\":2}";
            given().baseUri(prod.baseUrl()).contentType("application/json").body(order).post("/orders").then()
                    .statusCode(401).contentType("application/problem+json")
                    .body("type", equalTo("/problems/unauthenticated"));
            given().baseUri(prod.baseUrl()).header("Authorization", TestTokens.bearer("auditor",
                    Set.of(Roles.BILLING_AUDITOR))).contentType("application/json").body(order).post("/orders").then()
                    .statusCode(403).body("type", equalTo("/problems/forbidden"));
            given().baseUri(prod.baseUrl()).header("Authorization", ServiceProcess.authorization())
                    .contentType("application/json").body(order).post("/orders").then().statusCode(201);
            // probes need no token; the API's documents need an operator in prod
            given().baseUri(prod.baseUrl()).get("/q/health/ready").then().statusCode(200);
            given().baseUri(prod.baseUrl()).get("/q/openapi").then().statusCode(401);
            given().baseUri(prod.baseUrl()).header("Authorization", TestTokens.bearer("writer",
                    Set.of(Roles.ORDER_WRITER))).get("/q/openapi").then().statusCode(403);
            given().baseUri(prod.baseUrl()).header("Authorization", TestTokens.bearer("operator",
                    Set.of(Roles.OPERATOR))).get("/q/openapi").then().statusCode(200)
                    .body(not(containsString("/bench")), not(containsString("/dev/token")));
            given().baseUri(prod.baseUrl()).get("/q/dev-ui").then().statusCode(404);
            given().baseUri(prod.baseUrl()).get("/q/dev").then().statusCode(404);
            given().baseUri(prod.baseUrl()).get("/dev/token").then().statusCode(404);
            given().baseUri(prod.baseUrl()).header("Authorization", ServiceProcess.authorization())
                    .post("/bench/publish?count=1").then().statusCode(404);
            assertThat(prod.log()).contains("Profile prod activated").doesNotContain("Faults armed");
        }
    }
}
