package io.orderguarantees.shared;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.orderguarantees.devauth.KeyPairFiles;
import io.orderguarantees.testsupport.BearerByDefault;
import io.orderguarantees.testsupport.KafkaBrokerResource;
import io.orderguarantees.testsupport.OrdersTopic;
import io.orderguarantees.testsupport.PostgresResource;
import io.orderguarantees.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * Who may call what: a missing or bad token is a 401 and a missing role a 403, both problem JSON, and nothing is
 * published for either (the topic's end offsets, read from the broker, do not move). A customer reads its own
 * invoices only (OWASP API1). Health needs no token.
 */
@QuarkusTest
@BearerByDefault.Anonymous
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class CallersTest {

    private static final String ORDER = "{\"customerId\":\"1001\",\"item\":\"Pen\",\"quantity\":1,\"unitPrice\":2}";

    @InjectKafkaCompanion
    KafkaCompanion companion;

    @Test
    void withoutATokenNothingIsServedButHealthAndNothingIsPublished() {
        var before = OrdersTopic.endOffsets(companion);
        problem(given().contentType(ContentType.JSON).body(ORDER).post("/orders"), 401, "unauthenticated")
                .header("WWW-Authenticate", "Bearer");
        problem(given().contentType(ContentType.TEXT).body("1001,Pen,1,2").post("/orders/lines"), 401,
                "unauthenticated");
        problem(given().get("/billing/exactly-once/summary"), 401, "unauthenticated");
        problem(given().get("/billing/ledger/invoices?customerId=1001"), 401, "unauthenticated");
        problem(given().get("/events"), 401, "unauthenticated");
        given().get("/q/health/ready").then().statusCode(200);
        assertThat(OrdersTopic.endOffsets(companion)).as("nothing published").isEqualTo(before);
    }

    @Test
    void aTokenThatDoesNotVerifyIsRefused() throws Exception {
        var before = OrdersTopic.endOffsets(companion);
        String issuer = TestTokens.ISSUER;
        KeyPairFiles strangers = new KeyPairFiles(Files.createTempDirectory("strangers").resolve("keys")).ensure();
        String foreign = "Bearer " + Jwt.issuer(issuer).subject("mallory").groups(TestTokens.ALL_ROLES)
                .sign(strangers.readPrivateKey());
        String expired = TestTokens.sign(Jwt.issuer(issuer).subject("late").groups(TestTokens.ALL_ROLES)
                .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600)));
        String otherIssuer = TestTokens.sign(Jwt.issuer("https://elsewhere.example").subject("x")
                .groups(TestTokens.ALL_ROLES));
        for (String token : List.of(foreign, expired, otherIssuer, "Bearer not-a-jwt")) {
            problem(given().header("Authorization", token).contentType(ContentType.JSON).body(ORDER).post("/orders"),
                    401, "unauthenticated").header("WWW-Authenticate", startsWith("Bearer error=\"invalid_token\""));
        }
        assertThat(OrdersTopic.endOffsets(companion)).as("nothing published").isEqualTo(before);
    }

    @Test
    void eachRoleReachesItsOwnEndpointsOnly() {
        var before = OrdersTopic.endOffsets(companion);
        String auditor = TestTokens.bearer("auditor", Set.of(Roles.BILLING_AUDITOR));
        String writer = TestTokens.bearer("writer", Set.of(Roles.ORDER_WRITER));
        String operator = TestTokens.bearer("operator", Set.of(Roles.OPERATOR));
        problem(given().header("Authorization", auditor).contentType(ContentType.JSON).body(ORDER).post("/orders"),
                403, "forbidden");
        problem(given().header("Authorization", operator).contentType(ContentType.JSON)
                .body("[" + ORDER + "]").post("/orders/batch"), 403, "forbidden");
        assertThat(OrdersTopic.endOffsets(companion)).as("nothing published").isEqualTo(before);

        problem(given().header("Authorization", writer).get("/billing/exactly-once/summary"), 403, "forbidden");
        problem(given().header("Authorization", writer).get("/billing/ledger/summary"), 403, "forbidden");
        problem(given().header("Authorization", writer).get("/events"), 403, "forbidden");
        given().header("Authorization", auditor).get("/billing/exactly-once/summary").then().statusCode(200);
        given().header("Authorization", auditor).get("/billing/dead-letters?limit=1").then().statusCode(200);
        given().header("Authorization", writer).contentType(ContentType.JSON).body(ORDER)
                .post("/orders?acks=all&send=sync").then().statusCode(201);
    }

    @Test
    void aCustomerReadsItsOwnInvoicesAndNoOneElses() {
        String alice = "alice-" + UUID.randomUUID();
        String bob = "bob-" + UUID.randomUUID();
        String writer = TestTokens.bearer("writer", Set.of(Roles.ORDER_WRITER));
        for (String customer : List.of(alice, bob)) {
            given().header("Authorization", writer).contentType(ContentType.JSON).body(ORDER.replace("1001", customer))
                    .post("/orders?acks=all&send=sync").then().statusCode(201);
        }
        String auditor = TestTokens.bearer("auditor", Set.of(Roles.BILLING_AUDITOR));
        await().atMost(Duration.ofSeconds(60)).until(() -> List.of(alice, bob).stream().allMatch(customer -> !given()
                .header("Authorization", auditor).get("/billing/ledger/invoices?customerId=" + customer).then()
                .statusCode(200).extract().jsonPath().getList("invoices").isEmpty()));
        await().atMost(Duration.ofSeconds(60)).until(() -> !given().header("Authorization", auditor)
                .get("/billing/exactly-once/invoices?customerId=" + alice).then().statusCode(200).extract()
                .jsonPath().getList("$").isEmpty());

        String asAlice = TestTokens.bearer(alice, Set.of(Roles.CUSTOMER));
        given().header("Authorization", asAlice).get("/billing/ledger/invoices?customerId=" + alice).then()
                .statusCode(200).body("invoices.customerId", equalTo(List.of(alice)));
        given().header("Authorization", asAlice).get("/billing/exactly-once/invoices?customerId=" + alice).then()
                .statusCode(200).body("customerId", equalTo(List.of(alice)));
        problem(given().header("Authorization", asAlice).get("/billing/ledger/invoices?customerId=" + bob), 403,
                "forbidden");
        problem(given().header("Authorization", asAlice).get("/billing/exactly-once/invoices?customerId=" + bob),
                403, "forbidden");
        problem(given().header("Authorization", asAlice).get("/billing/ledger/invoices"), 403, "forbidden");
        problem(given().header("Authorization", asAlice).get("/billing/ledger/summary"), 403, "forbidden");
        problem(given().header("Authorization", asAlice).contentType(ContentType.JSON).body(ORDER).post("/orders"),
                403, "forbidden");
    }

    private static ValidatableResponse problem(io.restassured.response.Response response, int status, String type) {
        return response.then().statusCode(status).contentType("application/problem+json")
                .body("type", equalTo("/problems/" + type)).body("status", equalTo(status));
    }
}
