package io.orderguarantees.lab;

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
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import io.orderguarantees.testsupport.ServiceProcess;
import io.restassured.path.json.JsonPath;

/** Orders sent to the service's HTTP API, as a client would, and what the service answered about them. */
final class Orders {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Requests open at once: enough to send hundreds of orders within a second or two. */
    private static final int CONCURRENCY = 64;

    static final String ACKED = "ACKED";

    private final ServiceProcess service;

    Orders(ServiceProcess service) {
        this.service = service;
    }

    static String json(String orderId, int i) {
        return "{\"orderId\":\"" + orderId + "\",\"customerId\":\"c-" + (i % 30) + "\",\"item\":\"Pen\",\"quantity\":1,"
                + "\"unitPrice\":" + (i % 100 + 1) + "}";
    }

    /**
     * Posts every order, {@value #CONCURRENCY} at a time, and returns once all are handed over: the answers (for
     * sync, the broker's acknowledgement) complete the futures later.
     */
    List<CompletableFuture<HttpResponse<String>>> post(List<String> orderIds, String acks, String send) {
        Semaphore open = new Semaphore(CONCURRENCY);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < orderIds.size(); i++) {
            open.acquireUninterruptibly();
            CompletableFuture<HttpResponse<String>> answer = HTTP.sendAsync(request(orderIds.get(i), i, acks, send),
                    HttpResponse.BodyHandlers.ofString());
            if (send.equals("sync")) {
                // the answer waits for the broker: do not hold the next order back for it
                open.release();
            } else {
                answer.whenComplete((response, failure) -> open.release());
            }
            answers.add(answer);
        }
        if (!send.equals("sync")) {
            open.acquireUninterruptibly(CONCURRENCY);
        }
        return answers;
    }

    /** One order, answered: for a steady flow of sync orders. */
    HttpResponse<String> postOne(String orderId, int i, String acks, String send) throws IOException, InterruptedException {
        return HTTP.send(request(orderId, i, acks, send), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String orderId, int i, String acks, String send) {
        return HttpRequest.newBuilder(URI.create(service.baseUrl() + "/orders?acks=" + acks + "&send=" + send))
                .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
                .header("Authorization", ServiceProcess.authorization())
                .POST(HttpRequest.BodyPublishers.ofString(json(orderId, i))).build();
    }

    /**
     * Each async order's outcome as its callback recorded it: {@code ACKED}, or the producer's error; null while any
     * is still PENDING.
     */
    Map<String, String> asyncOutcomes(List<String> orderIds) {
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (String orderId : orderIds) {
            try {
                HttpResponse<String> delivery = HTTP.send(HttpRequest.newBuilder(
                        URI.create(service.baseUrl() + "/orders/" + orderId + "/delivery"))
                        .header("Authorization", ServiceProcess.authorization()).build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonPath status = JsonPath.from(delivery.body());
                switch (String.valueOf(status.getString("status"))) {
                    case "PENDING" -> {
                        return null;
                    }
                    case "ACKED" -> outcomes.put(orderId, ACKED);
                    default -> outcomes.put(orderId, String.valueOf(status.getString("error")));
                }
            } catch (IOException e) {
                throw new IllegalStateException("the service did not answer for the delivery of " + orderId, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return outcomes;
    }

    /** Each sync order's answer: {@code ACKED} for a 201, otherwise the status and the problem's detail. */
    static Map<String, String> syncOutcomes(List<String> orderIds, List<CompletableFuture<HttpResponse<String>>> answers) {
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (int i = 0; i < orderIds.size(); i++) {
            try {
                HttpResponse<String> answer = answers.get(i).get(150, TimeUnit.SECONDS);
                outcomes.put(orderIds.get(i), answer.statusCode() == 201 || answer.statusCode() == 202 ? ACKED
                        : answer.statusCode() + " " + JsonPath.from(answer.body()).getString("detail"));
            } catch (ExecutionException | TimeoutException e) {
                outcomes.put(orderIds.get(i), "no answer: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return outcomes;
    }

    /** "312 x NotEnoughReplicasException: ..." for each distinct failure: what a row's note says about refusals. */
    static String failures(Map<String, String> outcomes) {
        return outcomes.values().stream().filter(outcome -> !outcome.equals(ACKED))
                .collect(Collectors.groupingBy(outcome -> outcome.length() > 120 ? outcome.substring(0, 120) + "..."
                        : outcome, TreeMap::new, Collectors.counting()))
                .entrySet().stream().map(e -> e.getValue() + " x " + e.getKey()).collect(Collectors.joining("; "));
    }
}
