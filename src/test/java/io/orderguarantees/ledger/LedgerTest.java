package io.orderguarantees.ledger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.KafkaBrokerResource;
import io.orderguarantees.testsupport.PostgresResource;
import io.orderguarantees.testsupport.TestPostgres;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * The ledger pipeline, read back with SQL from outside the service, and through its API. Its own application, broker
 * and database: it writes a client's duplicate on purpose, which the topic pipelines bill twice, and it closes the
 * database for a while.
 */
@QuarkusTest
@TestProfile(LedgerTest.OwnApplication.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class LedgerTest {

    public static class OwnApplication implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("order-guarantees.instance-id", "ledger-tests");
        }
    }

    private static final Duration BILLED = Duration.ofSeconds(30);

    @InjectKafkaCompanion
    KafkaCompanion companion;

    @Test
    void anOrderIsBilledOnceWithTheOffsetsThatPassItInTheSameDatabase() throws Exception {
        String customer = "c-" + UUID.randomUUID();
        JsonPath receipt = placeOrder(null, customer);
        String orderId = receipt.getString("orderId");

        await().atMost(BILLED).until(() -> invoicesOf(customer).size() == 1);
        assertThat(invoicesOf(customer)).containsExactly(orderId);
        long next = single("SELECT next_offset FROM ledger_offsets WHERE consumer_group = 'billing-ledger' "
                + "AND topic = 'orders' AND partition = " + receipt.getInt("partition"));
        assertThat(next).isGreaterThan(receipt.getLong("offset"));
        // Kafka keeps no offsets for the ledger's group: they are in the ledger.
        assertThat(companion.consumerGroups().offsets("billing-ledger")).allSatisfy((partition, offset) ->
                assertThat(offset).isNull());
    }

    @Test
    void aSecondRecordOfABilledOrderIsARefusedDuplicateNotASecondCharge() throws Exception {
        String customer = "c-" + UUID.randomUUID();
        String orderId = "dup-" + UUID.randomUUID();
        placeOrder(orderId, customer);
        await().atMost(BILLED).until(() -> invoicesOf(customer).size() == 1);
        long refusedBefore = summary().getLong("refusedDuplicates");

        // Another client writes the same order again, straight to the topic.
        companion.produceStrings().fromRecords(new ProducerRecord<>("orders", customer, "{\"orderId\":\"" + orderId
                + "\",\"customerId\":\"" + customer + "\",\"item\":\"Pen\",\"quantity\":1,\"unitPrice\":2}"))
                .awaitCompletion();

        await().atMost(BILLED).until(() -> single("SELECT count(*) FROM ledger_duplicates WHERE order_id = '"
                + orderId + "'") == 1);
        assertThat(invoicesOf(customer)).containsExactly(orderId);
        assertThat(summary().getLong("refusedDuplicates")).isEqualTo(refusedBefore + 1);
        assertThat(summary().getLong("duplicates")).isZero();
    }

    @Test
    void aRecordThatIsNoOrderIsRejectedInTheLedger() throws Exception {
        String key = "k-" + UUID.randomUUID();
        companion.produceStrings().fromRecords(new ProducerRecord<>("orders", key, "not an order")).awaitCompletion();

        await().atMost(BILLED).until(() -> single("SELECT count(*) FROM ledger_rejected WHERE value = 'not an order'")
                >= 1);
    }

    @Test
    void invoicesComeAPageAtATime() {
        String customer = "c-" + UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            placeOrder("page-" + i + "-" + UUID.randomUUID(), customer);
        }
        await().atMost(BILLED).until(() -> invoicesOf(customer).size() == 5);

        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            var request = given().queryParam("customerId", customer).queryParam("limit", 2);
            JsonPath page = (after == null ? request : request.queryParam("after", after))
                    .get("/billing/ledger/invoices").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("invoices.orderId", String.class));
            after = page.getString("next");
            pages++;
        } while (after != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(5).doesNotHaveDuplicates().isSorted();
        given().queryParam("limit", 0).get("/billing/ledger/invoices").then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void whileTheDatabaseRefusesConnectionsOrdersWaitAndAreThenBilledOnce() throws Exception {
        String customer = "c-" + UUID.randomUUID();
        String database = currentDatabase();
        try {
            refuseConnections(database, true);
            for (int i = 0; i < 3; i++) {
                placeOrder(null, customer);
            }
            await().atMost(BILLED).untilAsserted(() -> {
                JsonPath ready = given().get("/q/health/ready").then().statusCode(503).extract().jsonPath();
                assertThat(ready.getString("checks.find { it.name == 'billing-retries' }.data.ledger"))
                        .contains("waiting to be billed again");
            });
        } finally {
            refuseConnections(database, false);
        }
        await().atMost(BILLED).until(() -> invoicesOf(customer).size() == 3);
        assertThat(single("SELECT count(*) FROM ledger_rejected WHERE value LIKE '%" + customer + "%'")).isZero();
        await().atMost(BILLED).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        Thread.sleep(1000);
        assertThat(invoicesOf(customer)).hasSize(3);
    }

    private static JsonPath placeOrder(String orderId, String customer) {
        return given().contentType(ContentType.JSON).body("{" + (orderId == null ? "" : "\"orderId\":\"" + orderId
                + "\",") + "\"customerId\":\"" + customer + "\",\"item\":\"Pen\",\"quantity\":1,\"unitPrice\":2}")
                .post("/orders").then().statusCode(201).extract().jsonPath();
    }

    private static JsonPath summary() {
        return given().get("/billing/ledger/summary").then().statusCode(200).extract().jsonPath();
    }

    /** The customer's invoices, by SQL: what the ledger holds, not what the service says. */
    private static List<String> invoicesOf(String customer) throws SQLException {
        try (Connection connection = TestPostgres.connect(database());
                PreparedStatement select = connection.prepareStatement(
                        "SELECT order_id FROM ledger_invoices WHERE customer_id = ? ORDER BY order_id")) {
            select.setString(1, customer);
            List<String> ids = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        }
    }

    private static long single(String sql) throws SQLException {
        return TestPostgres.single(database(), sql);
    }

    /** Closes the service's database to new connections and ends its sessions, or opens it again. */
    private static void refuseConnections(String name, boolean refuse) throws SQLException {
        try (Connection admin = TestPostgres.connect(Map.of("quarkus.datasource.jdbc.url",
                TestPostgres.server().jdbcUrl("quarkus"), "quarkus.datasource.username", "quarkus",
                "quarkus.datasource.password", "quarkus"))) {
            admin.createStatement().execute("ALTER DATABASE \"" + name + "\" WITH ALLOW_CONNECTIONS " + !refuse);
            if (refuse) {
                admin.createStatement().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        + "WHERE datname = '" + name + "'");
            }
        }
    }

    private static String currentDatabase() {
        String url = database().get("quarkus.datasource.jdbc.url");
        return url.substring(url.lastIndexOf('/') + 1);
    }

    private static Map<String, String> database() {
        var config = ConfigProvider.getConfig();
        return Map.of("quarkus.datasource.jdbc.url", config.getValue("quarkus.datasource.jdbc.url", String.class),
                "quarkus.datasource.username", config.getValue("quarkus.datasource.username", String.class),
                "quarkus.datasource.password", config.getValue("quarkus.datasource.password", String.class));
    }
}
