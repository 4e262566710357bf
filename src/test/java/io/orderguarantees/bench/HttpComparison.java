package io.orderguarantees.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.orderguarantees.testsupport.KafkaCluster;
import io.orderguarantees.testsupport.Progress;
import io.orderguarantees.testsupport.ServiceProcess;

/**
 * {@code POST /orders?acks=all} end to end, {@code send=sync} against {@code send=async}, at concurrency 1, 16 and
 * 64, against a fresh service with a flight recording on: throughput, latency, the service's peak resident memory,
 * and which process, and which part of the service, the CPU went to.
 */
final class HttpComparison {

    static final List<Integer> CONCURRENCY = List.of(1, 16, 64);

    /** What the HTTP runs cost the machine: CPU seconds per process group, and the service's memory. */
    record Footprint(double wallSeconds, double serviceCpuSeconds, double brokersCpuSeconds,
            double loadGeneratorCpuSeconds, long peakRssKib, long peakRssSampledKib, Profile profile) {

        Footprint withProfile(Profile read) {
            return new Footprint(wallSeconds, serviceCpuSeconds, brokersCpuSeconds, loadGeneratorCpuSeconds,
                    peakRssKib, peakRssSampledKib, read);
        }
    }

    private final KafkaCluster cluster;
    private final Bench.Settings settings;
    private final Progress progress;
    private final Map<String, List<Double>> perSecond = new LinkedHashMap<>();
    private final Map<String, List<Double>> p50 = new LinkedHashMap<>();
    private final Map<String, List<Double>> p99 = new LinkedHashMap<>();
    private final Map<String, Double> max = new LinkedHashMap<>();
    private int unexpected;
    private String firstUnexpected;
    private Footprint footprint;

    HttpComparison(KafkaCluster cluster, Bench.Settings settings, Progress progress) {
        this.cluster = cluster;
        this.settings = settings;
        this.progress = progress;
    }

    List<BenchRow> run(String rawSyncBaseline, double rawSyncPerSecond) throws InterruptedException {
        Path recording = settings.output().resolve("http-service.jfr").toAbsolutePath();
        ServiceProcess service = ServiceProcess.start("bench-http", "bench", cluster.bootstrapServers(),
                Bench.SERVICE_CONFIG, List.of(Bench.flightRecording(recording)));
        Instant from;
        Instant to;
        try (ProcessStats.RssSampler rss = new ProcessStats.RssSampler(service.pid());
                Floor floor = Floor.start(cluster.bootstrapServers(), settings.output().resolve("floor.log"))) {
            int warmup = Math.min(settings.httpRequests(), 2000);
            progress.say("http: warming up with %d sync and %d async requests at concurrency 16, and %d on the floor "
                    + "server", warmup, warmup, warmup);
            HttpLoad.run(service.baseUrl(), "sync", 16, warmup, "warmup-sync");
            HttpLoad.run(service.baseUrl(), "async", 16, warmup, "warmup-async");
            HttpLoad.run(floor.baseUrl(), "sync", 16, warmup, "warmup-floor");
            ProcessHandle serviceHandle = ProcessHandle.of(service.pid()).orElseThrow();
            List<ProcessHandle> brokers = ProcessHandle.current().children()
                    .filter(p -> p.pid() != service.pid() && p.pid() != floor.pid()).toList();
            double serviceCpu = seconds(ProcessStats.cpu(serviceHandle));
            double brokersCpu = brokers.stream().mapToDouble(p -> seconds(ProcessStats.cpu(p))).sum();
            double selfCpu = seconds(ProcessStats.cpu(ProcessHandle.current()));
            from = Instant.now();
            long start = System.nanoTime();
            for (int rep = 0; rep < settings.repeats(); rep++) {
                List<String> sends = rep % 2 == 0 ? List.of("sync", "async") : List.of("async", "sync");
                for (int concurrency : CONCURRENCY) {
                    for (String send : sends) {
                        measure(service.baseUrl(), send, concurrency, rep);
                    }
                    measure(floor.baseUrl(), FLOOR, concurrency, rep);
                }
            }
            to = Instant.now();
            double wall = (System.nanoTime() - start) / 1e9;
            long peakRss = ProcessStats.memoryKib(service.pid(), "VmHWM");
            footprint = new Footprint(wall, seconds(ProcessStats.cpu(serviceHandle)) - serviceCpu,
                    brokers.stream().mapToDouble(p -> seconds(ProcessStats.cpu(p))).sum() - brokersCpu,
                    seconds(ProcessStats.cpu(ProcessHandle.current())) - selfCpu, peakRss, rss.peakKib(), null);
        } finally {
            service.close();
        }
        // the recording is written when the service stops
        footprint = footprint.withProfile(Profile.read(recording, List.of(new Profile.Window(from, to))));
        return rows(rawSyncBaseline, rawSyncPerSecond);
    }

    Footprint footprint() {
        return footprint;
    }

    int unexpected() {
        return unexpected;
    }

    String firstUnexpected() {
        return firstUnexpected;
    }

    /** Enough requests for a p99 at every level, without spending minutes one request at a time. */
    private int requests(int concurrency) {
        return concurrency >= 64 ? settings.httpRequests() : concurrency >= 16 ? settings.httpRequests() / 4
                : settings.httpRequests() / 8;
    }

    /** The floor server's runs: sync, as it answers only once the broker has the order. */
    private static final String FLOOR = "floor";

    private void measure(String baseUrl, String send, int concurrency, int rep) throws InterruptedException {
        HttpLoad.Outcome outcome = HttpLoad.run(baseUrl, send.equals(FLOOR) ? "sync" : send, concurrency,
                requests(concurrency), "http-%d-%s-%d".formatted(rep, send, concurrency));
        String key = key(send, concurrency);
        perSecond.computeIfAbsent(key, k -> new ArrayList<>()).add(outcome.perSecond());
        p50.computeIfAbsent(key, k -> new ArrayList<>()).add(Stats.percentileMillis(outcome.latencyNanos(), 50));
        p99.computeIfAbsent(key, k -> new ArrayList<>()).add(Stats.percentileMillis(outcome.latencyNanos(), 99));
        max.merge(key, Stats.percentileMillis(outcome.latencyNanos(), 100), Math::max);
        unexpected += outcome.unexpected();
        if (firstUnexpected == null) {
            firstUnexpected = outcome.firstUnexpected();
        }
        progress.say("http run %d/%d: send=%-5s concurrency %2d, %,d requests: %,.0f/s, p50 %.1f ms, p99 %.1f ms%s",
                rep + 1, settings.repeats(), send, concurrency, requests(concurrency), outcome.perSecond(),
                Stats.percentileMillis(outcome.latencyNanos(), 50), Stats.percentileMillis(outcome.latencyNanos(), 99),
                outcome.unexpected() == 0 ? "" : ", " + outcome.unexpected() + " unexpected answers");
    }

    private List<BenchRow> rows(String rawSyncBaseline, double rawSyncPerSecond) {
        List<BenchRow> rows = new ArrayList<>();
        for (int concurrency : CONCURRENCY) {
            for (String send : List.of("sync", "async")) {
                String key = key(send, concurrency);
                List<Double> samples = perSecond.get(key);
                String baseline;
                Double ratio;
                if (send.equals("sync")) {
                    baseline = rawSyncBaseline;
                    ratio = Stats.median(samples) / rawSyncPerSecond;
                } else {
                    baseline = name("sync", concurrency);
                    ratio = Stats.median(Stats.ratios(samples, perSecond.get(key("sync", concurrency))));
                }
                rows.add(new BenchRow("http", name(send, concurrency), requests(concurrency), samples.size(),
                        Stats.median(samples), baseline, ratio, Stats.median(p50.get(key)), Stats.median(p99.get(key)),
                        max.get(key), samples, send.equals("sync") ? "answered 201 once every in-sync replica has it"
                                : "answered 202 at hand-over; the callback records the outcome"));
            }
            String key = key(FLOOR, concurrency);
            List<Double> samples = perSecond.get(key);
            rows.add(new BenchRow("http", floorName(concurrency), requests(concurrency), samples.size(),
                    Stats.median(samples), name("sync", concurrency),
                    Stats.median(Stats.ratios(samples, perSecond.get(key("sync", concurrency)))),
                    Stats.median(p50.get(key)), Stats.median(p99.get(key)), max.get(key), samples,
                    "the floor: a bare Vert.x route and a raw KafkaProducer (acks=all), 201 once the broker has it; "
                            + "no validation, security or metrics"));
        }
        return rows;
    }

    static String name(String send, int concurrency) {
        return "HTTP POST /orders acks=all send=" + send + ", concurrency " + concurrency;
    }

    static String floorName(int concurrency) {
        return "HTTP floor: bare Vert.x route + KafkaProducer acks=all, concurrency " + concurrency;
    }

    private static String key(String send, int concurrency) {
        return send + "/" + concurrency;
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
