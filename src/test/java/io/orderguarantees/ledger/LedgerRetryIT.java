package io.orderguarantees.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.TopicReader;
import io.orderguarantees.testsupport.KafkaCluster;
import io.orderguarantees.testsupport.ServiceProcess;
import io.orderguarantees.testsupport.TestPostgres;

/**
 * From a client's retry to the row in the ledger. The followers of the order's partition freeze (SIGSTOP): its leader
 * writes the record but cannot get it acknowledged under acks=all within the producer's delivery timeout, so the
 * client is told the outcome is unknown. The followers come back, the record is committed after all, and the client,
 * retrying with the same orderId, gets it published a second time. The ledger, counted with SQL, holds the order
 * once, and records the second record as a refused duplicate.
 */
class LedgerRetryIT {

    private static final Logger LOG = Logger.getLogger(LedgerRetryIT.class);
    private static final String CUSTOMER = "c-1";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void anOrderRetriedAfterAnOutcomeUnknownAnswerIsBilledOnceByTheLedger() throws Exception {
        try (KafkaCluster cluster = KafkaCluster.startWithTopics("ledger-retry", "orders")) {
            Map<String, String> ledger = TestPostgres.databaseFor(cluster.bootstrapServers());
            try (ServiceProcess service = ServiceProcess.start("ledger-retry", "1", cluster.bootstrapServers(),
                    Map.of())) {
                String warmUp = "warm-" + UUID.randomUUID();
                assertThat(post(service, warmUp).statusCode()).isEqualTo(201);
                await().atMost(Duration.ofSeconds(60)).until(() -> invoices(ledger, warmUp) == 1);

                String id = "retried-" + UUID.randomUUID();
                List<Integer> followers = followersOfThePartitionOf(cluster, CUSTOMER);
                followers.forEach(cluster::pause);
                Answer first;
                try {
                    first = post(service, id);
                } finally {
                    followers.forEach(cluster::resume);
                }
                assertThat(first.statusCode()).as(first.body()).isEqualTo(503);
                assertThat(first.body()).contains("/problems/outcome-unknown");

                // The client: the same orderId again, on every 503 or timeout, until it is acknowledged.
                Answer retried = await().atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> post(service, id), r -> r.statusCode() == 201);

                await().atMost(Duration.ofSeconds(60)).until(() -> invoices(ledger, id) >= 1);
                Thread.sleep(3_000);
                assertThat(invoices(ledger, id)).as("the ledger bills the order once").isEqualTo(1);
                long inTopic = TopicReader.readToEnd(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        cluster.bootstrapServers(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), "orders")
                        .stream().filter(r -> r.value().contains("\"orderId\":\"" + id + "\"")).count();
                LOG.infof("Retried order: first answer %d, then 201 (%s); %d record(s) of it in orders, %d refused "
                        + "duplicate(s) in the ledger", first.statusCode(), retried.body(), inTopic,
                        duplicates(ledger, id));
                assertThat(inTopic).as("the first attempt was written after all, and the retry wrote it again")
                        .isEqualTo(2);
                assertThat(duplicates(ledger, id)).isEqualTo(1);
            }
        }
    }

    /** The brokers other than the leader of the partition the producer's partitioner picks for this key. */
    private static List<Integer> followersOfThePartitionOf(KafkaCluster cluster, String key) throws Exception {
        int partition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 3;
        try (Admin admin = cluster.admin()) {
            TopicPartitionInfo info = admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders")
                    .partitions().get(partition);
            return info.replicas().stream().map(Node::id).filter(id -> id != info.leader().id()).toList();
        }
    }

    /** An answer as the client saw it: a status, or -1 for a timeout or a reset connection. */
    private record Answer(int statusCode, String body) {
    }

    private static Answer post(ServiceProcess service, String orderId) throws Exception {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/orders"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .header("Authorization", ServiceProcess.authorization())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"orderId\":\"" + orderId + "\",\"customerId\":\""
                            + CUSTOMER + "\","
                            + "\"item\":\"Pen\",\"quantity\":1,\"unitPrice\":2}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (java.io.IOException timeoutOrReset) {
            return new Answer(-1, timeoutOrReset.toString());
        }
    }

    private static long invoices(Map<String, String> ledger, String orderId) throws Exception {
        return count(ledger, "SELECT count(*) FROM ledger_invoices WHERE order_id = ?", orderId);
    }

    private static long duplicates(Map<String, String> ledger, String orderId) throws Exception {
        return count(ledger, "SELECT count(*) FROM ledger_duplicates WHERE order_id = ?", orderId);
    }

    private static long count(Map<String, String> ledger, String sql, String orderId) throws Exception {
        try (Connection connection = TestPostgres.connect(ledger);
                PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, orderId);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
