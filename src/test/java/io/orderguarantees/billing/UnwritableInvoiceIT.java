package io.orderguarantees.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.BillingCluster;
import io.orderguarantees.testsupport.ServiceProcess;

/**
 * An invoice the broker will not take is not a poison record: the order could be billed a minute later. Here its
 * topic does not exist yet, and the broker creates none on first use: the invoice waits {@code max.block.ms} for
 * the topic's metadata, then fails with a {@code TimeoutException}, as it would while a topic is recreated.
 * At-least-once must not dead-letter the order and commit past it: its channel stops (liveness DOWN), and once the
 * topic is there, the restarted instance bills every order.
 */
class UnwritableInvoiceIT {

    private static final List<String> ORDERS = List.of("unwritable-1", "unwritable-2", "unwritable-3");

    @Test
    void anInvoiceTheBrokerWillNotTakeStopsAtLeastOnceInsteadOfDeadLetteringTheOrder() throws Exception {
        try (BillingCluster cluster = new BillingCluster(p -> p.put("auto.create.topics.enable", "false"))) {
            // every topic but at-least-once's invoices
            cluster.companion().getOrCreateAdminClient().createTopics(Stream.of("invoices-at-most-once",
                    "invoices-exactly-once", "orders-dlq").map(topic -> new NewTopic(topic, 1, (short) 1)).toList())
                    .all().get(30, TimeUnit.SECONDS);
            cluster.publish(ORDERS);

            try (ServiceProcess service = ServiceProcess.start("unwritable", "refused", cluster.bootstrapServers(),
                    Map.of())) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(
                        service.liveness().body()).containsPattern("\"billing-at-least-once\"\\s*:\\s*\"\\[KO\\]"));
                assertThat(cluster.orderIds("orders-dlq", IsolationLevel.READ_COMMITTED))
                        .as("no order dead-lettered").isEmpty();
                assertThat(committed(cluster)).as("at-least-once committed nothing past the orders").isZero();
            }

            writable(cluster);
            try (ServiceProcess service = ServiceProcess.start("unwritable", "restarted", cluster.bootstrapServers(),
                    Map.of())) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(
                        cluster.orderIds("invoices-at-least-once", IsolationLevel.READ_COMMITTED)).containsAll(ORDERS));
                assertThat(cluster.orderIds("orders-dlq", IsolationLevel.READ_COMMITTED)).isEmpty();
                assertThat(service.liveness().statusCode()).isEqualTo(200);
            }
        }
    }

    private static long committed(BillingCluster cluster) {
        Map<TopicPartition, OffsetAndMetadata> offsets = cluster.companion().consumerGroups()
                .offsets("billing-at-least-once");
        return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
    }

    private static void writable(BillingCluster cluster) throws Exception {
        cluster.companion().getOrCreateAdminClient().createTopics(List.of(new NewTopic("invoices-at-least-once", 1,
                (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
}
