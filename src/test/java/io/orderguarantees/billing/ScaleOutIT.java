package io.orderguarantees.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.BillingCluster;
import io.orderguarantees.testsupport.ServiceProcess;

/**
 * Two instances in the same consumer groups, each with its own transactional ids; one is killed -9 while orders
 * flow, in the middle of an exactly-once transaction (it stalls there, an invoice written, uncommitted), and
 * never comes back. The survivor takes over its partitions: exactly-once still bills every order once, at-least-once
 * loses none.
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
        Map<String, String> stallsMidTransaction = new HashMap<>(SHORT_TRANSACTIONS);
        // b's fifth exactly-once record stalls for good once its invoice joined the open transaction
        stallsMidTransaction.put("order-guarantees.billing.faults.exactly-once.stall-after-records", "5");
        stallsMidTransaction.put("order-guarantees.billing.faults.exactly-once.stall-ms", "0");
        try (BillingCluster cluster = new BillingCluster(
                p -> p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000"));
                ServiceProcess a = ServiceProcess.start("a", "scale-out", cluster.bootstrapServers(), SHORT_TRANSACTIONS);
                ServiceProcess b = ServiceProcess.start("b", "scale-out", cluster.bootstrapServers(),
                        stallsMidTransaction)) {
            // b is killed while it bills, not while its groups still rebalance (that stalls them for minutes)
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> cluster.everyGroupStableWith(2));
            List<String> orders = IntStream.rangeClosed(1, ORDERS).mapToObj(i -> "s-" + i).toList();
            cluster.publish(orders);
            await().atMost(Duration.ofSeconds(60)).until(() -> b.log().contains("Record 5 of exactly-once stalls"));
            // the stalled record's invoice reached the log, in b's open transaction: there, not yet committed
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                // uncommitted first: what a commits in between then shows in the committed read, not as open
                List<String> written = cluster.orderIds("invoices-exactly-once", IsolationLevel.READ_UNCOMMITTED);
                return !cluster.orderIds("invoices-exactly-once", IsolationLevel.READ_COMMITTED).containsAll(written);
            });
            assertThat(cluster.everyGroupCaughtUp()).as("orders still to bill when b dies").isFalse();

            b.kill();
            assertThat(b.awaitExit(Duration.ofSeconds(5))).as("instance b was killed").isPresent();

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(cluster::everyGroupCaughtUp);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(
                    cluster.orderIds("invoices-exactly-once", IsolationLevel.READ_COMMITTED))
                    .containsExactlyInAnyOrderElementsOf(orders));
            assertThat(cluster.orderIds("invoices-exactly-once", IsolationLevel.READ_UNCOMMITTED))
                    .as("b's open transaction had written invoices, aborted after its death and billed again by a")
                    .hasSizeGreaterThan(ORDERS);
            assertThat(cluster.orderIds("invoices-at-least-once", IsolationLevel.READ_COMMITTED))
                    .containsAll(orders);
        }
    }
}
