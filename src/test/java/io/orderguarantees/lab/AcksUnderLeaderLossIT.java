package io.orderguarantees.lab;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.KafkaCluster;
import io.orderguarantees.testsupport.ServiceProcess;
import io.restassured.path.json.JsonPath;

/**
 * On a real 3-broker cluster (separate controller quorum, RF 3, min.insync.replicas=2), through the service's own
 * channels: the partition leader's followers are paused, orders are published, the leader is killed -9 and the
 * followers resumed. Orders the service reported as acknowledged under acks=1 can be gone; under acks=all none is.
 */
class AcksUnderLeaderLossIT {

    private static final int ORDERS = 200;

    record Outcome(String acks, int sent, int acknowledged, int lost, int duplicated) {
    }

    @Test
    void acksAllLosesNoAcknowledgedOrderWhenTheLeaderDiesAheadOfItsFollowers() throws Exception {
        Outcome all = run("all");
        Outcome one = run("1");
        System.out.println("LAB " + one + "\nLAB " + all);

        assertThat(all.lost()).isZero();
        assertThat(all.duplicated()).isZero();
        assertThat(one.acknowledged()).as("acks=1 is acknowledged by the lone leader").isEqualTo(ORDERS);
    }

    private Outcome run(String acks) throws Exception {
        try (KafkaCluster cluster = KafkaCluster.start(Path.of("target", "lab", "acks-" + acks + "-" + UUID.randomUUID()));
                Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic("orders", 1, (short) 3))).all().get();
            await().atMost(Duration.ofSeconds(30)).until(() -> describe(admin).partitions().get(0).isr().size() == 3);
            try (ServiceProcess service = ServiceProcess.start("lab-" + acks, "producer", cluster.bootstrapServers(),
                    // A fresh cluster creates __transaction_state (RF 3) on first use: give initTransactions time.
                    Map.of("%test.kafka.max.block.ms", "30000",
                            "mp.messaging.incoming.billing-at-most-once.enabled", "false",
                            "mp.messaging.incoming.billing-at-least-once.enabled", "false",
                            "mp.messaging.incoming.billing-exactly-once.enabled", "false"))) {
                given().baseUri(service.baseUrl()).contentType("application/json")
                        .body("{\"customerId\":\"warm-up\",\"item\":\"Pen\",\"quantity\":1,\"unitPrice\":1}")
                        .queryParam("acks", acks).post("/orders").then().statusCode(201);

                int leader = describe(admin).partitions().get(0).leader().id();
                int[] followers = Arrays.stream(cluster.brokerIds()).filter(id -> id != leader).toArray();
                Arrays.stream(followers).forEach(cluster::pause);

                List<String> sent = new ArrayList<>();
                for (int i = 0; i < ORDERS; i++) {
                    String orderId = "lab-" + acks + "-" + i;
                    given().baseUri(service.baseUrl()).contentType("application/json")
                            .body("{\"orderId\":\"" + orderId + "\",\"customerId\":\"c\",\"item\":\"Pen\",\"quantity\":1,"
                                    + "\"unitPrice\":1}")
                            .queryParam("acks", acks).queryParam("send", "async").post("/orders").then().statusCode(202);
                    sent.add(orderId);
                }
                Thread.sleep(1000);
                cluster.kill(leader);
                assertThat(cluster.isAlive(leader)).as("the leader was killed").isFalse();
                Arrays.stream(followers).forEach(cluster::resume);
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    var partition = describe(admin).partitions().get(0);
                    return partition.leader() != null && partition.leader().id() != leader;
                });
                Set<String> acked = new HashSet<>(await().atMost(Duration.ofSeconds(60)).until(
                        () -> settled(service, sent), settled -> settled != null));
                List<String> inLog = orderIds(cluster.bootstrapServers());
                Set<String> present = new HashSet<>(inLog);
                int lost = (int) acked.stream().filter(id -> !present.contains(id)).count();
                int duplicated = inLog.size() - present.size();
                return new Outcome(acks, sent.size(), acked.size(), lost, duplicated);
            }
        }
    }

    /** The orders whose delivery ended ACKED, once none is PENDING; null while some still are. */
    private static List<String> settled(ServiceProcess service, List<String> sent) {
        List<String> acked = new ArrayList<>();
        for (String orderId : sent) {
            String status = JsonPath.from(given().baseUri(service.baseUrl()).get("/orders/{id}/delivery", orderId)
                    .then().statusCode(200).extract().asString()).getString("status");
            if (status.equals("PENDING")) {
                return null;
            }
            if (status.equals("ACKED")) {
                acked.add(orderId);
            }
        }
        return acked;
    }

    private static TopicDescription describe(Admin admin) throws Exception {
        return admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders");
    }

    private static List<String> orderIds(String bootstrapServers) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object> of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringDeserializer(),
                new StringDeserializer())) {
            TopicPartition partition = new TopicPartition("orders", 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            List<String> ids = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> ids.add(JsonPath.from(r.value()).getString("orderId")));
            }
            return ids.stream().filter(id -> id.startsWith("lab-")).collect(Collectors.toList());
        }
    }
}
