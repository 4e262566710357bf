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
 * A batch slower than {@code transaction.timeout.ms}: the broker aborts its transaction and fences the producer,
 * whose commit then fails for good. The service must not look alive while billing nothing: liveness goes DOWN, and
 * a restart (what an orchestrator does on DOWN) bills every order exactly once.
 */
class ExactlyOnceFencingIT {

    private static final List<String> ORDERS = IntStream.rangeClosed(1, 30).mapToObj(i -> "f-" + i).toList();

    @Test
    void aFencedTransactionalProducerMakesTheServiceUnhealthyAndARestartBillsEveryOrderOnce() throws Exception {
        // The coordinator looks for timed-out transactions every second instead of every ten.
        try (BillingCluster cluster = new BillingCluster(
                p -> p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000"))) {
            cluster.publish(ORDERS);

            try (ServiceProcess slow = ServiceProcess.start("fenced", "slow", cluster.bootstrapServers(), Map.of(
                    "mp.messaging.outgoing.invoices-exactly-once.transaction.timeout.ms", "3000",
                    "order-guarantees.billing.faults.exactly-once.stall-after-records", "5",
                    "order-guarantees.billing.faults.exactly-once.stall-ms", "8000"))) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> slow.liveness(), response -> response.statusCode() == 503
                                && response.body().contains("billing-exactly-once") && response.body().contains("[KO]"));
                assertThat(cluster.orderIds("invoices-exactly-once", IsolationLevel.READ_COMMITTED))
                        .as("the fenced batch's invoices are not visible").doesNotHaveDuplicates()
                        .hasSizeLessThan(ORDERS.size());
                slow.kill();
            }

            try (ServiceProcess restarted = ServiceProcess.start("fenced", "restarted", cluster.bootstrapServers(),
                    Map.of())) {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(cluster::everyGroupCaughtUp);
            }
            assertThat(cluster.orderIds("invoices-exactly-once", IsolationLevel.READ_COMMITTED))
                    .containsExactlyInAnyOrderElementsOf(ORDERS);
        }
    }
}
