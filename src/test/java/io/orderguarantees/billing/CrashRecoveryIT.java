package io.orderguarantees.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.BillingCluster;
import io.orderguarantees.testsupport.ServiceProcess;
import io.restassured.path.json.JsonPath;

/**
 * Real crashes: the packaged service halts at a crash point while billing, is started again, and the invoice topics
 * (read_committed) tell what each pipeline lost or billed twice. Every scenario checks all three pipelines, since
 * the crash hits the whole process.
 */
class CrashRecoveryIT {

    private static final int ORDERS = 60;
    private static final int CRASH_AT = 20;
    private static final Duration CAUGHT_UP = Duration.ofSeconds(90);
    /** {@code max.poll.records} of the at-most-once channel: the most one crash can lose. */
    private static final int MAX_POLL_RECORDS = 500;
    /** {@code auto.commit.interval.ms} of the at-least-once channel: how often the throttled strategy commits. */
    private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);

    private BillingCluster cluster;
    private List<String> published;

    @BeforeEach
    void startBroker() {
        cluster = new BillingCluster();
    }

    private void publish(List<String> orderIds) {
        published = orderIds;
        cluster.publish(orderIds);
    }

    @AfterEach
    void stopBroker() {
        cluster.close();
    }

    @Test
    void atLeastOnceCrashAfterInvoicingBeforeCommitRedeliversAndCountsTheDuplicate() throws Exception {
        publish(sixtyOrders());
        crashThenRecover(Pipeline.AT_LEAST_ONCE, CrashPoint.AFTER_PROCESSING_BEFORE_COMMIT, CRASH_AT);
    }

    /**
     * One order's billing never ends while the rest of its batch is invoiced; three of the throttled strategy's commit
     * intervals later the process is killed. Nothing past that order may have been committed: it is billed after the
     * restart. (With the batch acknowledged before its invoices, PRE_PROCESSING, the order was lost.)
     */
    @Test
    void atLeastOnceNeverCommitsPastAnOrderStillBeingBilled() throws Exception {
        publish(sixtyOrders());
        String prefix = "order-guarantees.billing.faults." + Pipeline.AT_LEAST_ONCE.id();
        Set<String> billedBeforeKill;
        try (ServiceProcess stalling = ServiceProcess.start("at-least-once-stalled", "stalling",
                cluster.bootstrapServers(), Map.of(prefix + ".stall-after-records", String.valueOf(CRASH_AT),
                        prefix + ".stall-ms", "0"))) {
            await().atMost(CAUGHT_UP).pollInterval(Duration.ofMillis(200))
                    .until(() -> invoices(Pipeline.AT_LEAST_ONCE).size() == ORDERS - 1);
            Thread.sleep(3 * COMMIT_INTERVAL.toMillis());
            billedBeforeKill = new HashSet<>(orderIds(invoices(Pipeline.AT_LEAST_ONCE)));
            stalling.kill();
        }
        recover(Pipeline.AT_LEAST_ONCE, "at-least-once-stalled", billedBeforeKill);
    }

    @Test
    void seedOrdersWithARedeliveryFaultAreDuplicatedAtLeastOnceAndBilledOnceExactlyOnce() throws Exception {
        publish(List.of("order1", "order2", "order3"));

        Outcome outcome = crashThenRecover(Pipeline.AT_LEAST_ONCE, CrashPoint.AFTER_PROCESSING_BEFORE_COMMIT, 3);

        assertThat(outcome.duplicates(Pipeline.AT_LEAST_ONCE)).isPositive();
        assertThat(orderIds(outcome.invoices(Pipeline.EXACTLY_ONCE)))
                .containsExactlyInAnyOrder("order1", "order2", "order3");
    }

    @Test
    void atMostOnceCrashAfterCommitBeforeInvoicingLosesOnlyWhatTheCommittedBatchHadNotInvoiced() throws Exception {
        publish(sixtyOrders());
        Outcome outcome = crashThenRecover(Pipeline.AT_MOST_ONCE, CrashPoint.AFTER_COMMIT_BEFORE_PROCESSING, CRASH_AT);

        Set<String> lost = outcome.lost(Pipeline.AT_MOST_ONCE);
        assertThat(lost).as("orders whose batch was committed before the crash").isNotEmpty();
        assertThat(lost).as("lost only below the offsets committed at the crash: the rest was billed after it")
                .isSubsetOf(outcome.atMostOnceCommittedNotBilledAtCrash());
        assertThat(lost.size()).as("at most one polled batch").isLessThanOrEqualTo(MAX_POLL_RECORDS);
    }

    @Test
    void atMostOnceCrashBeforeTheBatchCommitLosesNothing() throws Exception {
        publish(sixtyOrders());
        Outcome outcome = crashThenRecover(Pipeline.AT_MOST_ONCE, CrashPoint.BEFORE_PROCESSING, CRASH_AT);

        assertThat(outcome.lost(Pipeline.AT_MOST_ONCE)).as("nothing of the batch was committed, all of it came again")
                .isEmpty();
    }

    @Test
    void exactlyOnceCrashBeforeProcessingBillsEveryOrderOnce() throws Exception {
        publish(sixtyOrders());
        crashThenRecover(Pipeline.EXACTLY_ONCE, CrashPoint.BEFORE_PROCESSING, CRASH_AT);
    }

    @Test
    void exactlyOnceCrashInsideTheOpenTransactionBillsEveryOrderOnceAndHidesTheAbortedInvoices() throws Exception {
        publish(sixtyOrders());
        Outcome outcome = crashThenRecover(Pipeline.EXACTLY_ONCE, CrashPoint.AFTER_PROCESSING_BEFORE_COMMIT, CRASH_AT);

        List<ConsumerRecord<String, String>> everything = cluster.read("invoices-exactly-once",
                IsolationLevel.READ_UNCOMMITTED);
        assertThat(everything.size()).as("invoices written by the crashed transaction stay in the log, aborted")
                .isGreaterThan(outcome.invoices(Pipeline.EXACTLY_ONCE).size());
    }

    private static List<String> sixtyOrders() {
        return IntStream.rangeClosed(1, ORDERS).mapToObj(i -> "o-" + i).toList();
    }

    private Outcome crashThenRecover(Pipeline pipeline, CrashPoint point, int crashAt) throws Exception {
        String prefix = "order-guarantees.billing.faults." + pipeline.id();
        String name = pipeline.id() + "-" + point.id();
        Set<String> billedBeforeCrash;
        try (ServiceProcess crashing = ServiceProcess.startMayExit(name, "crashing", cluster.bootstrapServers(),
                Map.of(prefix + ".crash-point", point.id(), prefix + ".crash-after-records", String.valueOf(crashAt)))) {
            OptionalInt exit = crashing.awaitExit(Duration.ofSeconds(60));
            assertThat(exit).as("the process halted at the crash point").hasValue(Faults.EXIT_STATUS);
            billedBeforeCrash = new HashSet<>(orderIds(invoices(pipeline)));
        }
        return recover(pipeline, name, billedBeforeCrash);
    }

    /** Starts the service again, without faults, and checks what every pipeline kept once all caught up. */
    private Outcome recover(Pipeline pipeline, String name, Set<String> billedBeforeCrash) throws Exception {
        Set<String> atMostOnceCommittedNotBilled = committedNotBilled();
        try (ServiceProcess recovered = ServiceProcess.start(name, "recovered", cluster.bootstrapServers(), Map.of())) {
            await().atMost(CAUGHT_UP).pollInterval(Duration.ofMillis(500)).until(cluster::everyGroupCaughtUp);
            // every group committed everything: how the process ends no longer changes the invoice topics, and a
            // graceful stop would only wait out SmallRye's shutdown grace (two poll timeouts a channel)
            recovered.kill();
        }
        Outcome outcome = new Outcome(published, atMostOnceCommittedNotBilled, Map.of(
                Pipeline.AT_MOST_ONCE, invoices(Pipeline.AT_MOST_ONCE),
                Pipeline.AT_LEAST_ONCE, invoices(Pipeline.AT_LEAST_ONCE),
                Pipeline.EXACTLY_ONCE, invoices(Pipeline.EXACTLY_ONCE)));

        assertThat(outcome.lost(Pipeline.EXACTLY_ONCE)).isEmpty();
        assertThat(outcome.duplicates(Pipeline.EXACTLY_ONCE)).isZero();
        assertThat(outcome.lost(Pipeline.AT_LEAST_ONCE)).isEmpty();
        assertThat(outcome.duplicates(Pipeline.AT_MOST_ONCE)).isZero();
        if (pipeline == Pipeline.AT_LEAST_ONCE) {
            List<String> all = orderIds(outcome.invoices(Pipeline.AT_LEAST_ONCE));
            long redelivered = billedBeforeCrash.stream()
                    .filter(id -> all.stream().filter(id::equals).count() > 1).count();
            assertThat(redelivered).as("invoiced before the crash, not committed, delivered again").isPositive();
            assertThat(outcome.duplicates(Pipeline.AT_LEAST_ONCE)).isEqualTo(redelivered);
        }
        return outcome;
    }

    private List<ConsumerRecord<String, String>> invoices(Pipeline pipeline) {
        return cluster.read(pipeline.invoiceTopic(), IsolationLevel.READ_COMMITTED);
    }

    private static List<String> orderIds(List<ConsumerRecord<String, String>> invoices) {
        return invoices.stream().map(r -> JsonPath.from(r.value()).getString("orderId")).toList();
    }

    /** The orders below at-most-once's committed offsets that it had not invoiced: what it may have lost. */
    private Set<String> committedNotBilled() {
        Map<TopicPartition, OffsetAndMetadata> committed = cluster.companion().consumerGroups()
                .offsets("billing-at-most-once");
        Set<String> billed = new HashSet<>(orderIds(invoices(Pipeline.AT_MOST_ONCE)));
        return cluster.read("orders", IsolationLevel.READ_COMMITTED).stream()
                .filter(order -> Optional.ofNullable(committed.get(new TopicPartition(order.topic(), order.partition())))
                        .map(offset -> order.offset() < offset.offset()).orElse(false))
                .map(order -> JsonPath.from(order.value()).getString("orderId"))
                .filter(id -> !billed.contains(id)).collect(Collectors.toSet());
    }

    private record Outcome(List<String> published, Set<String> atMostOnceCommittedNotBilledAtCrash,
            Map<Pipeline, List<ConsumerRecord<String, String>>> byPipeline) {

        List<ConsumerRecord<String, String>> invoices(Pipeline pipeline) {
            return byPipeline.get(pipeline);
        }

        Set<String> lost(Pipeline pipeline) {
            Set<String> billed = new HashSet<>(orderIds(invoices(pipeline)));
            return published.stream().filter(id -> !billed.contains(id)).collect(Collectors.toSet());
        }

        long duplicates(Pipeline pipeline) {
            List<String> ids = orderIds(invoices(pipeline));
            return ids.size() - ids.stream().distinct().count();
        }
    }
}
