package io.orderguarantees.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.orderguarantees.testsupport.KafkaCluster;
import io.orderguarantees.testsupport.Progress;
import io.orderguarantees.testsupport.ServiceProcess;
import io.orderguarantees.testsupport.TestPostgres;

/**
 * Does an audit call cost more as invoices pile up? One service with only the audit on copies an invoice topic into
 * its database; {@code GET /billing/at-least-once/summary} is timed once the topic holds N invoices, and again at 10N,
 * each time after the audit has caught up. The sizes come one after the other (the topic only grows), so the rounds
 * at each size are repeated rather than interleaved. The service's resident memory is read at both sizes.
 */
final class AuditScaling {

    static final String SUMMARY = "GET /billing/at-least-once/summary";
    private static final String TOPIC = "bench-audit-invoices";
    private static final int WARMUP_CALLS = 50;
    private static final int CALLS_PER_ROUND = 200;

    private final KafkaCluster cluster;
    private final Bench.Settings settings;
    private final Progress progress;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    AuditScaling(KafkaCluster cluster, Bench.Settings settings, Progress progress) {
        this.cluster = cluster;
        this.settings = settings;
        this.progress = progress;
    }

    static String scenario(int invoices) {
        return "%s, %,d invoices audited".formatted(SUMMARY, invoices);
    }

    List<BenchRow> run() throws Exception {
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3))).all().get(30, TimeUnit.SECONDS);
        }
        Map<String, String> config = new HashMap<>(Bench.SERVICE_CONFIG);
        config.put("mp.messaging.incoming.billing-audit.enabled", "true");
        config.put("mp.messaging.incoming.billing-audit.group.id", "bench-audit");
        config.put("mp.messaging.outgoing.invoices-at-least-once.topic", TOPIC);
        config.putAll(TestPostgres.newDatabase());
        int small = settings.auditInvoices();
        int large = 10 * small;
        List<BenchRow> rows = new ArrayList<>();
        try (ServiceProcess service = ServiceProcess.start("bench-audit", "bench", cluster.bootstrapServers(),
                config)) {
            BenchRow first = measure(service, 0, small, null);
            rows.add(first);
            rows.add(measure(service, small, large, first));
            service.kill();
        }
        return rows;
    }

    /** Writes invoices {@code from} to {@code to}, waits for the audit to have them all, then times the summary. */
    private BenchRow measure(ServiceProcess service, int from, int to, BenchRow smaller) throws Exception {
        progress.say("audit: writing invoices %,d to %,d to %s", from, to, TOPIC);
        write(from, to);
        long caughtUp = System.nanoTime();
        awaitAudited(service, to, Duration.ofMinutes(settings.full() ? 10 : 3));
        double catchUpSeconds = (System.nanoTime() - caughtUp) / 1e9;
        for (int i = 0; i < WARMUP_CALLS; i++) {
            summary(service, false);
        }
        List<Double> perSecond = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        double max = 0;
        for (int round = 0; round < settings.repeats(); round++) {
            long[] nanos = new long[CALLS_PER_ROUND];
            long start = System.nanoTime();
            for (int i = 0; i < CALLS_PER_ROUND; i++) {
                long call = System.nanoTime();
                summary(service, false);
                nanos[i] = System.nanoTime() - call;
            }
            perSecond.add(CALLS_PER_ROUND / ((System.nanoTime() - start) / 1e9));
            p50.add(Stats.percentileMillis(nanos, 50));
            p99.add(Stats.percentileMillis(nanos, 99));
            max = Math.max(max, Stats.percentileMillis(nanos, 100));
        }
        long rssKib = ProcessStats.memoryKib(service.pid(), "VmRSS");
        progress.say("audit at %,d invoices: p50 %.2f ms, p99 %.2f ms, service RSS %,d MiB", to, Stats.median(p50),
                Stats.median(p99), rssKib >> 10);
        String note = ("%d sequential calls a round; the audit had them all %.1f s after the last was written; "
                + "service RSS %,d MiB after the calls")
                .formatted(CALLS_PER_ROUND, catchUpSeconds, rssKib >> 10);
        String scenario = scenario(to);
        return new BenchRow("audit", scenario, to, perSecond.size(), Stats.median(perSecond),
                smaller == null ? scenario : smaller.scenario(),
                smaller == null ? 1.0 : Stats.median(Stats.ratios(perSecond, smaller.samples())), Stats.median(p50),
                Stats.median(p99), max, perSecond, note);
    }

    /** Invoices as a pipeline writes them, one customer in a hundred each, on the topic the audit copies. */
    private void write(int from, int to) throws Exception {
        try (KafkaProducer<String, String> producer = Bench.producer(cluster)) {
            for (int i = from; i < to; i++) {
                String customer = "customer-%02d".formatted(i % 100);
                producer.send(new ProducerRecord<>(TOPIC, customer, json.writeValueAsString(Map.of(
                        "orderId", "audit-%08d".formatted(i), "customerId", customer, "amount", "9.99",
                        "partition", i % 3, "offset", i / 3, "pipeline", "at-least-once"))));
            }
            producer.flush();
        }
    }

    private void awaitAudited(ServiceProcess service, long invoices, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long seen = -1;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = summary(service, true);
            if (answer.statusCode() == 200) {
                seen = json.readTree(answer.body()).get("invoices").asLong();
                if (seen == invoices) {
                    return;
                }
                if (seen > invoices) {
                    throw new IllegalStateException("the audit counts " + seen + " invoices of " + invoices);
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the audit counted " + seen + " of " + invoices + " invoices within "
                + timeout);
    }

    /** The summary; a 503 (the audit's database not there yet) only while {@code starting}. */
    private HttpResponse<String> summary(ServiceProcess service, boolean starting) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                URI.create(service.baseUrl() + "/billing/at-least-once/summary")).header("Authorization", ServiceProcess.authorization()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200 && !(starting && answer.statusCode() == 503)) {
            throw new IllegalStateException(SUMMARY + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer;
    }
}
