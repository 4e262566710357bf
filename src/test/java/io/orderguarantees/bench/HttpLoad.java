package io.orderguarantees.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.orderguarantees.testsupport.ServiceProcess;

/**
 * A closed-loop load generator in the benchmark's own JVM, a process apart from the service: {@code concurrency}
 * threads, each sending its next {@code POST /orders} as soon as the previous one is answered, over loopback.
 */
final class HttpLoad {

    /** One run: throughput, every request's latency, and how many answers were not the expected status. */
    record Outcome(double perSecond, long[] latencyNanos, int unexpected, String firstUnexpected) {
    }

    private HttpLoad() {
    }

    static Outcome run(String baseUrl, String send, int concurrency, int requests, String runId)
            throws InterruptedException {
        int expected = send.equals("sync") ? 201 : 202;
        URI uri = URI.create(baseUrl + "/orders?acks=all&send=" + send);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        long[] latencies = new long[requests];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger unexpected = new AtomicInteger();
        List<String> firstUnexpected = new ArrayList<>();
        String padding = "x".repeat(Bench.RECORD_BYTES - 120);
        ExecutorService threads = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < concurrency; t++) {
                workers.add(threads.submit(() -> {
                    for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                        String body = "{\"orderId\":\"%s-%d\",\"customerId\":\"customer-%02d\",\"item\":\"%s\",\"quantity\":1,\"unitPrice\":9.99}"
                                .formatted(runId, i, i % 100, padding);
                        long sent = System.nanoTime();
                        int status = post(http, uri, body);
                        latencies[i] = System.nanoTime() - sent;
                        if (status != expected) {
                            unexpected.incrementAndGet();
                            synchronized (firstUnexpected) {
                                if (firstUnexpected.isEmpty()) {
                                    firstUnexpected.add("HTTP " + status);
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("the load generator failed", e.getCause());
        } finally {
            threads.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Outcome(requests / seconds, latencies, unexpected.get(),
                firstUnexpected.isEmpty() ? null : firstUnexpected.get(0));
    }

    private static int post(HttpClient http, URI uri, String body) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").header("Authorization", ServiceProcess.authorization())
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }
}
