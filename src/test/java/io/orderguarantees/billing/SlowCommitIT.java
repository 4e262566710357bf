package io.orderguarantees.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.KafkaCluster;
import io.orderguarantees.testsupport.ServiceProcess;
import io.orderguarantees.testsupport.TopicReader;
import io.restassured.path.json.JsonPath;

/**
 * A commit slower than {@code kafka.max.block.ms}: the transaction coordinator of exactly-once billing's producer is
 * frozen (SIGSTOP) while a batch's transaction is open, and its commit waits for the broker to come back. Kafka does
 * not let a producer abort a transaction whose commit timed out (the commit must be retried, KAFKA-17754), and
 * SmallRye answers a failed commit with an abort: bounded by the shared 3 s, the channel stopped. The transactional
 * producers have their own bound, longer than a coordinator's fail-over: the commit completes, every order is billed
 * once, and the pipeline never stops.
 */
class SlowCommitIT {

    private static final String INSTANCE = "slow-commit";
    private static final List<String> ORDERS = IntStream.rangeClosed(1, 60).mapToObj(i -> "slow-" + i).toList();

    @Test
    void aCommitSlowerThanMaxBlockMsCompletesAndEveryOrderIsBilledOnce() throws Exception {
        // every topic there before the freeze: no producer waits for a topic's creation meanwhile
        try (KafkaCluster cluster = KafkaCluster.startWithTopics("slow-commit", "orders", "invoices-at-most-once",
                "invoices-at-least-once", "invoices-exactly-once", "orders-dlq")) {
            publish(cluster.bootstrapServers());
            try (ServiceProcess service = ServiceProcess.start(INSTANCE, "1", cluster.bootstrapServers(), Map.of(
                    "mp.messaging.incoming.billing-exactly-once.max.poll.records", "10",
                    // records wait out the freeze: only max.block.ms, the bound under test, stays short (3 s)
                    "kafka.delivery.timeout.ms", "60000", "kafka.request.timeout.ms", "30000",
                    // holds the first batch's transaction open while its coordinator is frozen
                    "order-guarantees.billing.faults.exactly-once.stall-after-records", "1",
                    "order-guarantees.billing.faults.exactly-once.stall-ms", "3000"))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> service.log().contains(
                        "Record 1 of exactly-once stalls"));
                int coordinator;
                try (Admin admin = cluster.admin()) {
                    String id = "invoices-exactly-once-" + INSTANCE;
                    coordinator = admin.describeTransactions(List.of(id)).description(id).get().coordinatorId();
                }
                cluster.pause(coordinator);
                try {
                    // past the stall: the commit is under way, and waits longer than the shared max.block.ms (3 s)
                    Thread.sleep(10_000);
                } finally {
                    cluster.resume(coordinator);
                }

                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(
                        invoiced(cluster.bootstrapServers())).containsAll(ORDERS));
                assertThat(invoiced(cluster.bootstrapServers())).as("each order billed once")
                        .containsExactlyInAnyOrderElementsOf(ORDERS);
                assertThat(service.log()).as("no commit failed").doesNotContain("SRMSG18284");
                assertThat(service.liveness().statusCode()).as("the pipeline never stopped").isEqualTo(200);
            }
        }
    }

    private static void publish(String bootstrapServers) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < ORDERS.size(); i++) {
                producer.send(new ProducerRecord<>("orders", "c-" + (i % 5), "{\"orderId\":\"" + ORDERS.get(i)
                        + "\",\"customerId\":\"c-" + (i % 5) + "\",\"item\":\"Pen\",\"quantity\":1,\"unitPrice\":"
                        + (i + 1) + "}"));
            }
        }
    }

    private static List<String> invoiced(String bootstrapServers) {
        return TopicReader.readToEnd(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), "invoices-exactly-once").stream()
                .map(r -> JsonPath.from(r.value()).getString("orderId")).toList();
    }
}
