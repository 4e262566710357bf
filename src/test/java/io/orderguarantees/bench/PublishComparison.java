package io.orderguarantees.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.orderguarantees.testsupport.Progress;

/**
 * The bare {@code KafkaProducer} against the service's Emitter channels, inside the service's JVM
 * ({@code POST /bench/publish}): async for acks 0, 1 and all, then sync for acks 1 and all. Each repetition runs
 * every variant once, raw and Emitter next to each other, the one that goes first alternating (A B, then B A).
 */
final class PublishComparison {

    private static final List<String> ASYNC_ACKS = List.of("0", "1", "all");
    private static final List<String> SYNC_ACKS = List.of("1", "all");

    private final String baseUrl;
    private final Bench.Settings settings;
    private final Progress progress;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, List<Double>> samples = new LinkedHashMap<>();
    private long failed;

    PublishComparison(String baseUrl, Bench.Settings settings, Progress progress) {
        this.baseUrl = baseUrl;
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

    long failed() {
        return failed;
    }

    private void record(String path, String acks, String send, int count, int rep) {
        JsonNode run = publish(path, acks, send, count);
        samples.computeIfAbsent(key(path, acks, send), k -> new ArrayList<>()).add(run.get("perSecond").asDouble());
        progress.say("publish run %d/%d: %-7s acks=%-3s %-5s %,d orders: %,.0f/s", rep + 1, settings.repeats(), path,
                acks, send, count, run.get("perSecond").asDouble());
    }

    private JsonNode publish(String path, String acks, String send, int count) {
        URI uri = URI.create("%s/bench/publish?path=%s&acks=%s&send=%s&count=%d&size=%d".formatted(baseUrl, path, acks,
                send, count, Bench.RECORD_BYTES));
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
            }
            JsonNode run = json.readTree(response.body());
            failed += run.get("failed").asLong();
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
                    "baseline"));
            List<Double> emitter = samples.get(key("emitter", acks, "async"));
            rows.add(BenchRow.throughput("publish", "Emitter channel orders-acks-" + acks + ", async", n, emitter, raw,
                    Stats.median(Stats.ratios(emitter, samples.get(key("raw", acks, "async")))),
                    "OrderPublisher: the service's own path, at most 1,024 in flight"));
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
                        "one order at a time: %.2f ms per round trip".formatted(1000 / Stats.median(sync))));
            }
        }
        return rows;
    }

    private static String key(String path, String acks, String send) {
        return path + "/" + acks + "/" + send;
    }
}
