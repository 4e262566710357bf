package io.orderguarantees.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.orderguarantees.testsupport.Progress;
import io.orderguarantees.testsupport.ServiceProcess;

/**
 * The bare {@code KafkaProducer} against the service's Emitter channels, inside the service's JVM
 * ({@code POST /bench/publish}): async for acks 0, 1 and all, then sync for acks 1 and all. Each repetition runs
 * every variant once, raw and Emitter next to each other, the one that goes first alternating (A B, then B A).
 * Besides throughput it measures the service's CPU time per order, and keeps the times of the acks=all async runs
 * so that the service's flight recording can say where that CPU went on each path.
 */
final class PublishComparison {

    private static final List<String> ASYNC_ACKS = List.of("0", "1", "all");
    private static final List<String> SYNC_ACKS = List.of("1", "all");

    private final String baseUrl;
    private final ProcessHandle service;
    private final Bench.Settings settings;
    private final Progress progress;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, List<Double>> samples = new LinkedHashMap<>();
    private final Map<String, List<Double>> cpuMicrosPerOrder = new LinkedHashMap<>();
    private final Map<String, List<Profile.Window>> acksAllAsync = new LinkedHashMap<>();
    private long unacknowledged;

    PublishComparison(ServiceProcess service, Bench.Settings settings, Progress progress) {
        this.baseUrl = service.baseUrl();
        this.service = ProcessHandle.of(service.pid()).orElseThrow();
        this.settings = settings;
        this.progress = progress;
    }

    List<BenchRow> run() {
        progress.say("publish: warming up every variant with %d orders", settings.warmup());
        for (String path : List.of("raw", "emitter")) {
            ASYNC_ACKS.forEach(acks -> publish(path, acks, "async", settings.warmup()));
            SYNC_ACKS.forEach(acks -> publish(path, acks, "sync", Math.max(10, settings.warmup() / 10)));
        }
        for (int rep = 0; rep < settings.repeats(); rep++) {
            List<String> paths = rep % 2 == 0 ? List.of("raw", "emitter") : List.of("emitter", "raw");
            for (String acks : ASYNC_ACKS) {
                for (String path : paths) {
                    record(path, acks, "async", settings.publishOrders(), rep);
                }
            }
            for (String acks : SYNC_ACKS) {
                for (String path : paths) {
                    record(path, acks, "sync", settings.syncOrders(), rep);
                }
            }
        }
        return rows();
    }

    long unacknowledged() {
        return unacknowledged;
    }

    /** Where the service's CPU went during the acks=all async runs of each path, from its flight recording. */
    Map<String, Profile> acksAllAsyncProfiles(Path recording) {
        Map<String, Profile> profiles = new LinkedHashMap<>();
        acksAllAsync.forEach((path, windows) -> profiles.put(path, Profile.read(recording, windows)));
        return profiles;
    }

    private void record(String path, String acks, String send, int count, int rep) {
        Duration cpuBefore = ProcessStats.cpu(service);
        Instant from = Instant.now();
        JsonNode run = publish(path, acks, send, count);
        Instant to = Instant.now();
        double cpuMicros = ProcessStats.cpu(service).minus(cpuBefore).toNanos() / 1e3 / count;
        samples.computeIfAbsent(key(path, acks, send), k -> new ArrayList<>()).add(run.get("perSecond").asDouble());
        cpuMicrosPerOrder.computeIfAbsent(key(path, acks, send), k -> new ArrayList<>()).add(cpuMicros);
        if (acks.equals("all") && send.equals("async")) {
            acksAllAsync.computeIfAbsent(path, k -> new ArrayList<>()).add(new Profile.Window(from, to));
        }
        progress.say("publish run %d/%d: %-7s acks=%-3s %-5s %,d orders: %,.0f/s, service CPU %.0f µs per order",
                rep + 1, settings.repeats(), path, acks, send, count, run.get("perSecond").asDouble(), cpuMicros);
    }

    private JsonNode publish(String path, String acks, String send, int count) {
        URI uri = URI.create("%s/bench/publish?path=%s&acks=%s&send=%s&count=%d&size=%d".formatted(baseUrl, path, acks,
                send, count, Bench.RECORD_BYTES));
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10))
                    .header("Authorization", ServiceProcess.authorization()).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
            }
            JsonNode run = json.readTree(response.body());
            // what the producer did not confirm, failed or never heard of: zero, or the run measured nothing real
            unacknowledged += count - run.get("acked").asLong();
            return run;
        } catch (IOException e) {
            throw new IllegalStateException(uri + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private List<BenchRow> rows() {
        List<BenchRow> rows = new ArrayList<>();
        int n = settings.publishOrders();
        for (String acks : ASYNC_ACKS) {
            String raw = "raw KafkaProducer, async, acks=" + acks;
            rows.add(BenchRow.throughput("publish", raw, n, samples.get(key("raw", acks, "async")), raw, 1.0,
                    "baseline; " + cpu("raw", acks, "async")));
            List<Double> emitter = samples.get(key("emitter", acks, "async"));
            rows.add(BenchRow.throughput("publish", "Emitter channel orders-acks-" + acks + ", async", n, emitter, raw,
                    Stats.median(Stats.ratios(emitter, samples.get(key("raw", acks, "async")))),
                    "OrderPublisher, the service's own path (at most 1,024 in flight); "
                            + cpu("emitter", acks, "async")));
        }
        for (String acks : SYNC_ACKS) {
            for (String path : List.of("raw", "emitter")) {
                List<Double> sync = samples.get(key(path, acks, "sync"));
                String async = path.equals("raw") ? "raw KafkaProducer, async, acks=" + acks
                        : "Emitter channel orders-acks-" + acks + ", async";
                String name = path.equals("raw") ? "raw KafkaProducer, sync, acks=" + acks
                        : "Emitter channel orders-acks-" + acks + ", sync";
                rows.add(BenchRow.throughput("publish", name, settings.syncOrders(), sync, async,
                        Stats.median(Stats.ratios(sync, samples.get(key(path, acks, "async")))),
                        "one order at a time: %.2f ms per round trip; %s".formatted(1000 / Stats.median(sync),
                                cpu(path, acks, "sync"))));
            }
        }
        return rows;
    }

    /** Per acks setting of the async runs: the Emitter's service CPU per order over the raw producer's, same run. */
    Map<String, Double> emitterCpuRatios() {
        Map<String, Double> ratios = new LinkedHashMap<>();
        for (String acks : ASYNC_ACKS) {
            ratios.put(acks, Stats.median(Stats.ratios(cpuMicrosPerOrder.get(key("emitter", acks, "async")),
                    cpuMicrosPerOrder.get(key("raw", acks, "async")))));
        }
        return ratios;
    }

    private String cpu(String path, String acks, String send) {
        return "service CPU %.0f µs per order".formatted(Stats.median(cpuMicrosPerOrder.get(key(path, acks, send))));
    }

    private static String key(String path, String acks, String send) {
        return path + "/" + acks + "/" + send;
    }
}
