package io.orderguarantees.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.BillingCluster;
import io.orderguarantees.testsupport.ServiceProcess;

/**
 * Two instances in the same consumer groups, each with its own transactional ids; one is killed -9 while orders
 * flow and never comes back. The survivor takes over its partitions: exactly-once still bills every order once,
 * at-least-once loses none.
 */
class ScaleOutIT {

    private static final int ORDERS = 300;
    // A dead instance's open transaction blocks read_committed readers of the invoice topics until the broker
    // aborts it: keep that short here, and let the broker look for it every second.
    private static final Map<String, String> SHORT_TRANSACTIONS = Map.of(
            "mp.messaging.outgoing.invoices-exactly-once.transaction.timeout.ms", "10000",
            "mp.messaging.incoming.billing-exactly-once.max.poll.records", "20");

    @Test
    void theSurvivorTakesOverAndEveryOrderIsStillBilledExactlyOnce() throws Exception {
        try (BillingCluster cluster = new BillingCluster(
                p -> p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000"));
                ServiceProcess a = ServiceProcess.start("a", "scale-out", cluster.bootstrapServers(), SHORT_TRANSACTIONS);
                ServiceProcess b = ServiceProcess.start("b", "scale-out", cluster.bootstrapServers(), SHORT_TRANSACTIONS)) {
            List<String> orders = IntStream.rangeClosed(1, ORDERS).mapToObj(i -> "s-" + i).toList();
            cluster.publish(orders.subList(0, ORDERS / 2));
            await().atMost(Duration.ofSeconds(60)).until(() -> !cluster
                    .orderIds("invoices-exactly-once", IsolationLevel.READ_UNCOMMITTED).isEmpty());
            // b is killed while it bills, not while its groups still rebalance (that stalls them for minutes)
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> cluster.everyGroupStableWith(2));

            b.kill();
            assertThat(b.awaitExit(Duration.ofSeconds(5))).as("instance b was killed").isPresent();
            cluster.publish(orders.subList(ORDERS / 2, ORDERS));

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(cluster::everyGroupCaughtUp);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(
                    cluster.orderIds("invoices-exactly-once", IsolationLevel.READ_COMMITTED))
                    .containsExactlyInAnyOrderElementsOf(orders));
            assertThat(cluster.orderIds("invoices-at-least-once", IsolationLevel.READ_COMMITTED))
                    .containsAll(orders);
        }
    }
}
