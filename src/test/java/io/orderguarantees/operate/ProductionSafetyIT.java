package io.orderguarantees.operate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.BillingCluster;
import io.orderguarantees.shared.Roles;
import io.orderguarantees.testsupport.ServiceProcess;
import io.orderguarantees.testsupport.TestTokens;

/**
 * The jar users ship ({@code ./mvnw package}'s, not the integration tests' lab build) offers no fault to inject and no
 * bench or dev endpoint, in any profile, whatever it is told; in prod it serves only callers whose tokens it can
 * verify, and stops at start when a setting it needs is missing.
 */
class ProductionSafetyIT {

    /** One broker for every test: none of them bills, they only need a cluster to start against. */
    private static BillingCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = new BillingCluster();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    /** Every fault a lab build can inject, as its setting: the shipped jar must refuse each one in any profile. */
    private static final Map<String, String> FAULTS = Map.of(
            "order-guarantees.billing.faults.exactly-once.crash-point", "before-processing",
            "order-guarantees.billing.faults.at-least-once.failing-attempts", "3",
            "order-guarantees.billing.faults.at-most-once.stall-after-records", "1");

    @Test
    void theShippedJarRefusesToStartWithAnyFaultConfiguredInAnyProfile() throws Exception {
        List<String> named = new ArrayList<>(FAULTS.keySet().stream().map(key -> key.replaceAll("\\.[a-z-]+$", ""))
                .toList());
        named.add("are set, but this build has no fault injection");
        for (String profile : List.of("prod", "test")) {
            assertRefusedAtStart("shipped-faults", cluster.bootstrapServers(), profile, FAULTS,
                    named.toArray(String[]::new));
        }
    }

    @Test
    void theShippedJarHasNoBenchEndpointEvenInTheTestProfile() throws Exception {
        try (ServiceProcess shipped = ServiceProcess.start("shipped-test", "served", cluster.bootstrapServers(),
                Map.of("quarkus.profile", "test", ServiceProcess.SHIPPED, ""))) {
            given().baseUri(shipped.baseUrl()).header("Authorization", ServiceProcess.authorization())
                    .post("/bench/publish?count=1").then().statusCode(404);
            given().baseUri(shipped.baseUrl()).header("Authorization", ServiceProcess.authorization())
                    .get("/q/openapi").then().statusCode(200).body(not(containsString("/bench")));
            given().baseUri(shipped.baseUrl()).get("/dev/token").then().statusCode(404);
            assertThat(shipped.log()).doesNotContain("Faults armed");
        }
    }

    @Test
    void theShippedJarDoesNotEvenHoldTheLabsClasses() throws Exception {
        Path app = Path.of(System.getProperty("service.shipped-jar", "target/quarkus-app/quarkus-run.jar"))
                .resolveSibling("app");
        List<String> entries = new ArrayList<>();
        try (var jars = Files.list(app)) {
            for (Path jar : jars.filter(file -> file.toString().endsWith(".jar")).toList()) {
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    zip.stream().map(ZipEntry::getName).forEach(entries::add);
                }
            }
        }
        assertThat(entries).as("the application's own classes are there").contains(
                "io/orderguarantees/billing/NoFaults.class", "io/orderguarantees/intake/OrderResource.class");
        assertThat(entries).as("no class that halts the process or publishes bench orders").doesNotContain(
                "io/orderguarantees/billing/InjectedFaults.class", "io/orderguarantees/bench/BenchResource.class",
                "io/orderguarantees/bench/PublishBench.class", "io/orderguarantees/devauth/DevTokens.class");
    }

    @Test
    void anInvalidSettingStopsTheServiceAndIsNamed() throws Exception {
        assertRefusedAtStart("prod-invalid", cluster.bootstrapServers(), "prod",
                Map.of("order-guarantees.intake.idempotency-window-size", "0"),
                "order-guarantees.intake.idempotency-window-size");
    }

    @Test
    void prodWithoutBootstrapServersStopsAtStartNamingTheVariable() throws Exception {
        String log = assertRefusedAtStart("prod-no-broker", null, "prod", Map.of(), "KAFKA_BOOTSTRAP_SERVERS");
        assertThat(log).as("no broker guessed").doesNotContain("localhost:9092");
    }

    @Test
    void prodWithoutADatabaseStopsAtStartNamingTheVariables() throws Exception {
        assertRefusedAtStart("prod-no-database", cluster.bootstrapServers(), "prod",
                Map.of(ServiceProcess.NO_DATABASE, ""), "QUARKUS_DATASOURCE_JDBC_URL");
    }

    @Test
    void prodWithoutAKeyToVerifyTokensStopsAtStartNamingTheVariables() throws Exception {
        assertRefusedAtStart("prod-no-token-key", cluster.bootstrapServers(), "prod",
                Map.of(ServiceProcess.NO_TOKEN_KEY, ""), "MP_JWT_VERIFY_PUBLICKEY_LOCATION", "MP_JWT_VERIFY_ISSUER");
    }

    @Test
    void prodServesOrdersToItsCallersOnlyAndNoDevEndpoint() throws Exception {
        try (ServiceProcess prod = ServiceProcess.start("prod", "served", cluster.bootstrapServers(),
                Map.of("quarkus.profile", "prod", ServiceProcess.SHIPPED, ""))) {
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

    /**
     * Starts the shipped jar in {@code profile} with {@code config} and checks that it stops at start, with a non-zero
     * status, its log naming each of {@code named}; returns the log.
     */
    private static String assertRefusedAtStart(String instance, String bootstrapServers, String profile,
            Map<String, String> config, String... named) throws Exception {
        Map<String, String> settings = new HashMap<>(config);
        settings.put("quarkus.profile", profile);
        settings.put(ServiceProcess.SHIPPED, "");
        try (ServiceProcess refused = ServiceProcess.startMayExit(instance, "refused", bootstrapServers, settings)) {
            OptionalInt exit = refused.awaitExit(Duration.ofSeconds(60));
            assertThat(exit).as(instance + " in " + profile + " with " + config + ": stopped at start").isPresent();
            assertThat(exit.getAsInt()).isNotZero();
            assertThat(refused.log()).contains(named);
            return refused.log();
        }
    }
}
