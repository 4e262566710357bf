package io.orderguarantees.operate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.orderguarantees.testsupport.BillingCluster;
import io.orderguarantees.testsupport.SecureKafka;
import io.orderguarantees.testsupport.ServiceProcess;
import io.orderguarantees.testsupport.TestPostgres;

/**
 * The service against a broker that requires SCRAM-SHA-512 over TLS and denies what no ACL allows, its principal
 * granted exactly the ACLs the README's {@code kafka-acls.sh} commands list: every pipeline bills and a batch
 * commits. Without one of them, the service does not pretend: it stops at start and names what is missing.
 */
class LeastPrivilegeIT {

    private static final String PASSWORD = "scram-secret-of-the-service";
    private static final List<String> INVOICE_TOPICS = List.of("invoices-at-most-once", "invoices-at-least-once",
            "invoices-exactly-once");

    private static SecureKafka secure;
    private static BillingCluster cluster;
    private static List<AclBinding> readme;

    @BeforeAll
    static void startBroker() throws Exception {
        secure = SecureKafka.create(Path.of("target", "secure-kafka"));
        cluster = BillingCluster.of(secure.broker());
        Admin admin = cluster.companion().getOrCreateAdminClient();
        List<NewTopic> topics = new ArrayList<>();
        INVOICE_TOPICS.forEach(topic -> topics.add(new NewTopic(topic, 1, (short) 1)));
        topics.add(new NewTopic("orders-dlq", 1, (short) 1));
        admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        SecureKafka.addUser(admin, PASSWORD);
        readme = SecureKafka.readmeAcls(Path.of("README.md"));
    }

    @AfterAll
    static void stopBroker() {
        cluster.close();
    }

    @Test
    void withExactlyTheReadmesAclsEveryPipelineBillsAndABatchCommits() throws Exception {
        grant(readme);
        try (ServiceProcess service = ServiceProcess.start("least-privilege", "all-acls",
                secure.serviceBootstrapServers(), secure.serviceEnvironment(PASSWORD))) {
            List<String> orderIds = new ArrayList<>();
            for (String acks : List.of("0", "1", "all")) {
                String orderId = "secure-acks-" + acks;
                given().baseUri(service.baseUrl()).header("Authorization", ServiceProcess.authorization())
                        .contentType("application/json").body(order(orderId))
                        .post("/orders?acks=" + acks + "&send=sync").then().statusCode(201);
                orderIds.add(orderId);
            }
            given().baseUri(service.baseUrl()).header("Authorization", ServiceProcess.authorization())
                    .contentType("application/json").body("[" + order("secure-batch-1") + "," + order("secure-batch-2")
                            + "]")
                    .post("/orders/batch").then().statusCode(201);
            orderIds.addAll(List.of("secure-batch-1", "secure-batch-2"));

            Map<String, String> ledger = TestPostgres.databaseFor(secure.serviceBootstrapServers());
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                for (String topic : INVOICE_TOPICS) {
                    assertThat(cluster.orderIds(topic, IsolationLevel.READ_COMMITTED)).as(topic)
                            .containsExactlyInAnyOrderElementsOf(orderIds);
                }
                assertThat(ledgerOrderIds(ledger)).as("the ledger, read with SQL")
                        .containsExactlyInAnyOrderElementsOf(orderIds);
            });
            assertThat(cluster.orderIds("orders-dlq", IsolationLevel.READ_COMMITTED)).isEmpty();
            assertThat(service.readiness().statusCode()).isEqualTo(200);
            assertThat(service.log()).doesNotContain("AuthorizationException");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            TRANSACTIONAL_ID | orders-tx-              | WRITE on TRANSACTIONAL_ID orders-tx-least-privilege (channel orders-tx)
            GROUP            | billing-                | READ on GROUP billing-ledger (channel billing-ledger)
            TOPIC            | invoices-               | WRITE on TOPIC invoices-exactly-once (channel invoices-exactly-once)
            """)
    void withOneOfThemMissingTheServiceStopsAtStartNamingIt(ResourceType type, String name, String named)
            throws Exception {
        grant(readme.stream().filter(acl -> !(acl.pattern().resourceType() == type && acl.pattern().name().equals(name)))
                .toList());
        try (ServiceProcess service = ServiceProcess.startMayExit("least-privilege", "without-" + name,
                secure.serviceBootstrapServers(), secure.serviceEnvironment(PASSWORD))) {
            OptionalInt exit = service.awaitExit(Duration.ofSeconds(60));
            assertThat(exit).as("stopped at start").isPresent();
            assertThat(exit.getAsInt()).isNotZero();
            assertThat(service.log()).contains("Kafka denies this service's principal what its channels need", named);
        }
    }

    private static void grant(List<AclBinding> acls) throws Exception {
        Admin admin = cluster.companion().getOrCreateAdminClient();
        admin.deleteAcls(List.of(AclBindingFilter.ANY)).all().get(30, TimeUnit.SECONDS);
        admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
    }

    private static String order(String orderId) {
        return "{\"orderId\":\"" + orderId + "\",\"customerId\":\"c-1\",\"item\":\"Pen\",\"quantity\":1,\"unitPrice\":2}";
    }

    private static List<String> ledgerOrderIds(Map<String, String> ledger) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection connection = TestPostgres.connect(ledger);
                PreparedStatement select = connection.prepareStatement("SELECT order_id FROM ledger_invoices");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }
}
