package io.orderguarantees.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

import io.orderguarantees.testsupport.Folders;
import io.orderguarantees.testsupport.KafkaCluster;
import io.orderguarantees.testsupport.Progress;
import io.orderguarantees.testsupport.ServiceProcess;

/**
 * The benchmark: on one real cluster (three controllers, three brokers, RF 3, {@code min.insync.replicas=2}), the
 * bare Kafka producer against the service's Emitter channels, sync against async, HTTP end to end, the four
 * billing pipelines and the audit's call time at two sizes, each variant interleaved with the one it is compared to. Writes {@code target/bench/} and
 * deletes the cluster's data afterwards.
 */
public final class Bench {

    /** Every order is about this size as JSON. */
    static final int RECORD_BYTES = 1024;

    /** Every service the benchmark starts: production timeouts, billing off unless a run switches one on. */
    static final Map<String, String> SERVICE_CONFIG = Map.of(
            "%test.kafka.delivery.timeout.ms", "30000",
            "%test.kafka.request.timeout.ms", "10000",
            // a fresh cluster creates __transaction_state (RF 3) when the first transactional producer starts
            "%test.kafka.max.block.ms", "30000",
            "mp.messaging.incoming.billing-at-most-once.enabled", "false",
            "mp.messaging.incoming.billing-at-least-once.enabled", "false",
            "mp.messaging.incoming.billing-exactly-once.enabled", "false",
            "mp.messaging.incoming.billing-ledger.enabled", "false",
            // the audit copies every invoice topic into PostgreSQL: on two shared cores it would bill against them
            "mp.messaging.incoming.billing-audit.enabled", "false");

    /**
     * @param publishOrders orders per async publish run
     * @param syncOrders orders per sync publish run (one round trip each)
     * @param httpRequests requests per HTTP run at concurrency 64 (a quarter of it at 16, an eighth at 1)
     * @param billingOrders orders on the billing topic
     * @param auditInvoices the smaller of the audit's two sizes (the larger is ten times as many)
     * @param repeats interleaved repetitions of every variant
     */
    public record Settings(boolean full, int warmup, int publishOrders, int syncOrders, int httpRequests,
            int billingOrders, int auditInvoices, int repeats, Path output) {

        /** {@code -Dbench.size=tiny|full}, as the Maven profile {@code bench} passes it. */
        public static Settings fromSystemProperties() {
            Path output = Path.of("target", "bench");
            return "full".equals(System.getProperty("bench.size", "tiny"))
                    ? new Settings(true, 10_000, 50_000, 500, 4_000, 60_000, 20_000, 3, output)
                    : new Settings(false, 300, 1_000, 50, 160, 600, 1_000, 1, output);
        }
    }

    /** Everything a run measured. */
    public record Results(Settings settings, List<BenchRow> rows, Map<String, Profile> publishProfiles,
            Map<String, Double> emitterCpuRatios, Map<String, Profile> billingProfiles,
            HttpComparison.Footprint http,
            long unacknowledgedPublishes, int unexpectedHttpAnswers, List<String> billingProblems, long clusterBytesDeleted,
            Duration wall) {
    }

    private static final Logger KAFKA_LOG = Logger.getLogger("org.apache.kafka");

    private Bench() {
    }

    public static Results run(Settings settings) throws Exception {
        Progress progress = new Progress("bench");
        // the benchmark's own consumers and admin clients would fill the console with their INFO lines
        KAFKA_LOG.setLevel(Level.WARNING);
        long start = System.nanoTime();
        Path folder = settings.output().resolve("cluster");
        Folders.deleteRecursively(folder);
        progress.say("%s benchmark: starting 3 controllers and 3 brokers under %s", settings.full() ? "full" : "tiny",
                folder);
        List<BenchRow> rows = new ArrayList<>();
        HttpComparison http;
        PublishComparison publish;
        Map<String, Profile> publishProfiles;
        BillingThroughput billing;
        long clusterBytes;
        try (KafkaCluster cluster = KafkaCluster.start(folder)) {
            try (Admin admin = cluster.admin()) {
                admin.createTopics(List.of(new NewTopic("orders", 3, (short) 3))).all().get(30, TimeUnit.SECONDS);
            }
            progress.say("cluster up: %s", cluster.bootstrapServers());
            Path recording = settings.output().resolve("publish-service.jfr").toAbsolutePath();
            try (ServiceProcess service = ServiceProcess.start("bench-publish", "bench", cluster.bootstrapServers(),
                    SERVICE_CONFIG, List.of(flightRecording(recording)))) {
                publish = new PublishComparison(service, settings, progress);
                rows.addAll(publish.run());
            }
            publishProfiles = publish.acksAllAsyncProfiles(recording);
            BenchRow rawSync = rows.stream().filter(r -> r.scenario().equals("raw KafkaProducer, sync, acks=all"))
                    .findFirst().orElseThrow();
            http = new HttpComparison(cluster, settings, progress);
            rows.addAll(http.run(rawSync.scenario(), rawSync.perSecond()));
            billing = new BillingThroughput(cluster, settings, progress);
            rows.addAll(billing.run());
            rows.addAll(new AuditScaling(cluster, settings, progress).run());
            clusterBytes = Folders.diskUsage(folder);
            try (Admin admin = cluster.admin()) {
                admin.deleteTopics(admin.listTopics().names().get(30, TimeUnit.SECONDS)).all().get(60,
                        TimeUnit.SECONDS);
            }
        }
        Folders.deleteRecursively(folder);
        progress.say("deleted every benchmark topic and the cluster's %,d MB under %s", clusterBytes >> 20, folder);
        Results results = new Results(settings, rows, publishProfiles, publish.emitterCpuRatios(), billing.profiles(),
                http.footprint(),
                publish.unacknowledged(),
                http.unexpected(),
                billing.problems(), clusterBytes, Duration.ofNanos(System.nanoTime() - start));
        BenchReport.write(results);
        progress.say("done in %d min %d s: %s", results.wall().toMinutes(), results.wall().toSecondsPart(),
                settings.output().resolve("results.md"));
        return results;
    }

    /** The benchmark's own writer of test data: acks=all, 5 ms linger, strings. */
    static KafkaProducer<String, String> producer(KafkaCluster cluster) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(config);
    }

    /** A flight recording with the JDK's profiling settings, written when the service stops. */
    static String flightRecording(Path file) {
        return "-XX:StartFlightRecording=filename=" + file + ",dumponexit=true,settings=profile";
    }

    /** The issues' goals, each with the number measured against it, in the same run. */
    static Map<String, String> goals(Results results) {
        Map<String, String> goals = new LinkedHashMap<>();
        for (String acks : List.of("0", "1", "all")) {
            double goal = acks.equals("all") ? 0.95 : 0.9;
            row(results, "Emitter channel orders-acks-" + acks + ", async").ifPresent(r -> goals.put(
                    "Emitter async publish at acks=%s >= %.2fx the raw producer".formatted(acks, goal),
                    met(r.ratio(), r.ratio() >= goal)));
            Double cpu = results.emitterCpuRatios().get(acks);
            if (cpu != null) {
                goals.put("service CPU per order, Emitter async acks=%s <= 1.3x the raw producer's".formatted(acks),
                        met(cpu, cpu <= 1.3));
            }
        }
        row(results, BillingThroughput.AT_MOST_ONCE).ifPresent(r -> goals.put(
                "at-most-once billing >= 1.0x at-least-once", met(r.ratio(), r.ratio() >= 1.0)));
        row(results, BillingThroughput.AT_LEAST_ONCE).ifPresent(r -> goals.put(
                "at-least-once billing >= 0.5x the bare consume-transform-produce loop",
                met(r.ratio(), r.ratio() >= 0.5)));
        row(results, BillingThroughput.EXACTLY_ONCE).ifPresent(r -> goals.put(
                "exactly-once billing >= 0.5x the bare loop with a transaction per poll",
                met(r.ratio(), r.ratio() >= 0.5)));
        row(results, BillingThroughput.LEDGER).ifPresent(r -> goals.put(
                "ledger billing (PostgreSQL) >= 0.7x exactly-once", met(r.ratio(), r.ratio() >= 0.7)));
        int small = results.settings().auditInvoices();
        row(results, AuditScaling.scenario(small)).ifPresent(n -> row(results, AuditScaling.scenario(10 * small))
                .ifPresent(tenN -> goals.put("audit summary call flat: p50 at %,d invoices <= 1.5x at %,d"
                        .formatted(10 * small, small), "%.2f ms against %.2f ms: %.2fx (%s)".formatted(tenN.p50Ms(),
                                n.p50Ms(), tenN.p50Ms() / n.p50Ms(), tenN.p50Ms() <= 1.5 * n.p50Ms() ? "met"
                                        : "missed"))));
        for (int concurrency : List.of(16, 64)) {
            row(results, HttpComparison.name("sync", concurrency)).ifPresent(service -> row(results,
                    HttpComparison.floorName(concurrency)).ifPresent(floor -> goals.put(
                            "HTTP sync acks=all at concurrency %d: p99 <= 1.25x the floor's (a bare Vert.x route)"
                                    .formatted(concurrency),
                            "p99 %.1f ms against %.1f ms: %s".formatted(service.p99Ms(), floor.p99Ms(),
                                    met(service.p99Ms() / floor.p99Ms(),
                                            service.p99Ms() <= 1.25 * floor.p99Ms())))));
        }
        return goals;
    }

    private static String met(double ratio, boolean met) {
        return "%.2fx (%s)".formatted(ratio, met ? "met" : "missed");
    }

    private static Optional<BenchRow> row(Results results, String scenario) {
        return results.rows().stream().filter(r -> r.scenario().equals(scenario)).findFirst();
    }
}
