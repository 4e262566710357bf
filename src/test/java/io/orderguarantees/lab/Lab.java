package io.orderguarantees.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.orderguarantees.lab.ProducerScenarios.Phase;
import io.orderguarantees.lab.ProducerScenarios.Spec;
import io.orderguarantees.testsupport.Folders;
import io.orderguarantees.testsupport.KafkaCluster;
import io.orderguarantees.testsupport.Progress;

/**
 * The delivery-guarantee lab: a real KRaft cluster as separate processes (three controllers, three brokers, RF 3,
 * {@code min.insync.replicas=2}), the packaged service as separate processes, real faults, and what each setting
 * lost or duplicated, written to {@code target/lab/}. Every process it starts dies with it (see
 * {@code ChildProcesses}).
 */
public final class Lab {

    /**
     * Settings of every service the lab starts: the production timeouts, not the test profile's short ones, since a
     * leader's death must fit in them. That includes exactly-once's transaction.timeout.ms (60 s): at 10 s, which the
     * lab once used so that a dead instance's open transaction would not hold read_committed readers back for long,
     * the coordinator aborted transactions still waiting out a killed leader, and their commit then failed for good
     * (docs/upstream-problems.md).
     */
    static final Map<String, String> SERVICE_CONFIG = Map.of(
            "%test.kafka.delivery.timeout.ms", "30000",
            "%test.kafka.request.timeout.ms", "10000",
            // a fresh cluster creates __transaction_state (RF 3) when the first transactional producer starts
            "%test.kafka.max.block.ms", "30000");

    /**
     * @param orders orders per scenario
     * @param full every scenario, or the short form {@code ./mvnw verify} runs
     * @param transactionVersion the cluster's {@code transaction.version} feature, or empty for the release's
     *        default (2 in Kafka 4.1)
     * @param only the one scenario to run (its name's start: {@code brokers}, {@code producer}, ...), or empty
     */
    public record Settings(int orders, boolean full, Optional<String> transactionVersion, Optional<String> only,
            Path output) {

        /**
         * {@code -Dlab.size=full|short}, {@code -Dlab.orders=N}, {@code -Dlab.transaction-version=1|2} and
         * {@code -Dlab.only=brokers} (one scenario of the full run, to study it), as the Maven profile {@code lab}
         * passes them.
         */
        public static Settings fromSystemProperties() {
            boolean full = "full".equals(System.getProperty("lab.size", "short"));
            int orders = Integer.getInteger("lab.orders", full ? 1000 : 500);
            return new Settings(orders, full, Optional.ofNullable(System.getProperty("lab.transaction-version")),
                    Optional.ofNullable(System.getProperty("lab.only")).filter(only -> !only.isBlank()),
                    Path.of("target", "lab"));
        }

        boolean runs(String scenario, boolean inShortForm) {
            return only.map(scenario::startsWith).orElse(full || inShortForm);
        }

        Map<String, String> features() {
            return transactionVersion.map(level -> Map.of("transaction.version", level)).orElse(Map.of());
        }
    }

    private Lab() {
    }

    public static List<LabResult> run(Settings settings) {
        Progress progress = new Progress("lab");
        long start = System.nanoTime();
        Path cluster = settings.output().resolve("cluster");
        Folders.deleteRecursively(cluster);
        progress.say("%s lab, %d orders per scenario: starting 3 controllers and 3 brokers under %s%s",
                settings.full() ? "full" : "short", settings.orders(), cluster,
                settings.transactionVersion().map(v -> ", transaction.version=" + v).orElse(""));
        List<LabResult> results = new ArrayList<>();
        // the broker looks for timed-out transactions every second instead of every 10 s
        try (KafkaCluster brokers = KafkaCluster.start(cluster,
                Map.of("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000"), settings.features());
                LabKafka kafka = new LabKafka(brokers)) {
            progress.say("cluster up: %s", brokers.bootstrapServers());
            if (settings.runs("producer", true)) {
                results.addAll(new ProducerScenarios(kafka, progress, settings.orders())
                        .run(producerSpecs(settings.full() || settings.only().isPresent())));
            }
            BillingScenarios billing = new BillingScenarios(kafka, progress, settings.orders());
            // the short form's retrying client kills the service too; CrashRecoveryIT crashes it at each crash point
            if (settings.runs("kill -9 mid-stream", false)) {
                results.addAll(guarded("kill -9 mid-stream", kafka, progress, billing::killMidStream));
            }
            if (settings.runs("retrying client", true)) {
                results.addAll(guarded("retrying client", kafka, progress,
                        new RetryScenario(billing, kafka, progress, settings.orders())::run));
            }
            if (settings.runs("crash points", false)) {
                results.addAll(guarded("crash points", kafka, progress, billing::crashPoints));
            }
            if (settings.runs("scale-out", false)) {
                results.addAll(guarded("scale-out", kafka, progress, billing::scaleOut));
            }
            // the short form's retrying client already kills a leader under billing
            if (settings.runs("brokers", false)) {
                results.addAll(guarded("brokers restarted", kafka, progress, billing::brokerRestarts));
            }
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - start);
        LabReport.write(settings, results, wall);
        progress.say("done in %d min %d s: %s", wall.toMinutes(), wall.toSecondsPart(),
                settings.output().resolve("results.md"));
        return results;
    }

    private static List<Spec> producerSpecs(boolean full) {
        if (!full) {
            // the guarantee the short form asserts; acks=1's loss under the same fault is the full run's to show
            return List.of(new Spec("all", "async", Phase.A));
        }
        return List.of(
                new Spec("0", "fire-and-forget", Phase.A),
                new Spec("0", "async", Phase.A),
                new Spec("1", "async", Phase.A),
                new Spec("1", "sync", Phase.A),
                new Spec("all", "async", Phase.A),
                new Spec("all", "sync", Phase.A),
                new Spec("1", "async", Phase.B),
                new Spec("all", "async", Phase.B),
                new Spec("all", "sync", Phase.B));
    }

    /** Runs a scenario; one that throws is reported as an invalid row, and the cluster is healed for the next. */
    private static List<LabResult> guarded(String scenario, LabKafka kafka, Progress progress,
            Supplier<List<LabResult>> run) {
        long start = System.nanoTime();
        try {
            return run.get();
        } catch (RuntimeException e) {
            progress.say("%s failed: %s", scenario, e);
            kafka.heal();
            return List.of(LabResult.invalid(scenario, "-", "-", ProducerScenarios.millisSince(start),
                    "the scenario failed: " + e));
        }
    }
}
