package io.orderguarantees.intake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.KafkaBrokerResource;
import io.orderguarantees.testsupport.OrdersTopic;
import io.orderguarantees.testsupport.PostgresResource;
import io.orderguarantees.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * A caller with every role sends a few hundred generated bad requests (wrong types, huge and tiny numbers, long and
 * control-character strings, bad ids, deep nesting, invalid UTF-8, odd content types, too many lines or batch
 * elements) to the three ways in. Each is answered with a 4xx problem, nothing reaches the {@code orders} topic (its
 * end offsets, read from the broker, do not move), and the service stays ready. The generator is seeded: a failure
 * names the request, and the same seed sends it again.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class FuzzedInputTest {

    private static final long SEED = 20261130L;
    private static final int REQUESTS = 300;
    private static final Map<String, String> VALID = Map.of("customerId", "\"1001\"", "item", "\"Pen\"",
            "quantity", "1", "unitPrice", "2.5", "orderId", "\"fuzz-ok\"");
    private static final List<String> FIELDS = List.of("orderId", "customerId", "item", "quantity", "unitPrice");
    private static final List<String> REQUIRED = List.of("customerId", "item", "quantity", "unitPrice");

    @InjectKafkaCompanion
    KafkaCompanion companion;

    /** One request: what it sends, to where, as what. */
    private record Bad(String why, String path, String contentType, byte[] body) {
    }

    @TestHTTPResource("/")
    URI service;

    @Test
    void everyGeneratedBadRequestIsA4xxProblemAndNothingIsPublished() throws Exception {
        var before = OrdersTopic.endOffsets(companion);
        Random random = new Random(SEED);
        List<String> wrong = new ArrayList<>();
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < REQUESTS; i++) {
            Bad bad = generate(random, i);
            // the raw bytes, as a client that gets them wrong sends them: no library re-encodes the body
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(service.resolve(bad.path()))
                    .header("Content-Type", bad.contentType()).header("Authorization", TestTokens.allRoles())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bad.body())).build(),
                    HttpResponse.BodyHandlers.ofString());
            int status = answer.statusCode();
            String contentType = answer.headers().firstValue("Content-Type").orElse("");
            String type = contentType.startsWith("application/problem+json")
                    ? JsonPath.from(answer.body()).getString("type") : null;
            if (status < 400 || status >= 500 || type == null || !type.startsWith("/problems/")) {
                wrong.add("#%d %s to %s: %d %s".formatted(i, bad.why(), bad.path(), status,
                        abbreviate(answer.body())));
            }
        }
        assertThat(wrong).as("answers that are not a 4xx problem").isEmpty();
        assertThat(OrdersTopic.endOffsets(companion)).as("nothing published").isEqualTo(before);
        given().get("/q/health/ready").then().statusCode(200);
    }

    private static Bad generate(Random random, int i) {
        return switch (i % 8) {
            case 0, 1, 2 -> mutatedOrder(random);
            case 3 -> new Bad("deep nesting", "/orders", "application/json",
                    utf8("{\"customerId\":" + "[".repeat(2000 + random.nextInt(20000)) + "1}"));
            case 4 -> new Bad("invalid UTF-8", "/orders", "application/json", invalidUtf8(random));
            case 5 -> oddContentType(random);
            case 6 -> badBatch(random);
            default -> badLines(random);
        };
    }

    /** A valid order with one field swapped for something it must refuse. */
    private static Bad mutatedOrder(Random random) {
        Map<String, String> fields = new LinkedHashMap<>(VALID);
        String field = FIELDS.get(random.nextInt(FIELDS.size()));
        String[] bad = switch (field) {
            case "quantity" -> new String[] { "0", "-1", "1.5", "1000001", "1e400", "99999999999999999999", "\"one\"",
                "null", "true", "[1]", "{}", "\"\"" };
            case "unitPrice" -> new String[] { "-0.01", "1e-100000000", "1e308", "\"1e999\"", "1234567890123.5",
                "0.00001", "\"cheap\"", "null", "[2]", "{}", "false", "NaN" };
            case "orderId" -> new String[] { "\"a b\"", "\"a%2F\"", "\"\\\"\"", "\"\\u0000\"", "\"<script>\"",
                "\"../../etc\"", "\"" + "x".repeat(129) + "\"", "\"-lead\"", "\"é\"", "7", "[]", "{}" };
            default -> new String[] { "\"\"", "\"   \"", "\"" + "y".repeat(1025 + random.nextInt(5000)) + "\"",
                "\"tab\\there\"", "\"nul\\u0000\"", "\"bell\\u0007\"", "\"half \\ud800 pair\"", "null", "1", "true",
                "[\"a\"]", "{}" };
        };
        String value = bad[random.nextInt(bad.length)];
        fields.put(field, value);
        if (random.nextInt(10) == 0) {
            // a required field missing as well, never the one made bad
            List<String> others = REQUIRED.stream().filter(name -> !name.equals(field)).toList();
            fields.remove(others.get(random.nextInt(others.size())));
        }
        StringBuilder json = new StringBuilder("{");
        fields.forEach((name, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(name).append("\":")
                .append(v));
        String path = "/orders?acks=" + List.of("0", "1", "all").get(random.nextInt(3)) + "&send="
                + List.of("sync", "async", "fire-and-forget").get(random.nextInt(3));
        return new Bad(field + "=" + abbreviate(value), path, "application/json", utf8(json.append('}').toString()));
    }

    private static Bad oddContentType(Random random) {
        String order = "{\"customerId\":\"1001\",\"item\":\"Pen\",\"quantity\":1,\"unitPrice\":2}";
        String[][] cases = { { "text/plain", "/orders" }, { "application/xml", "/orders" },
            { "application/x-www-form-urlencoded", "/orders" }, { "application/octet-stream", "/orders/batch" },
            { "application/json", "/orders/lines" }, { "multipart/form-data; boundary=x", "/orders" } };
        String[] chosen = cases[random.nextInt(cases.length)];
        return new Bad("content type " + chosen[0], chosen[1], chosen[0], utf8(order));
    }

    private static Bad badBatch(Random random) {
        String order = "{\"customerId\":\"1001\",\"item\":\"Pen\",\"quantity\":1,\"unitPrice\":2}";
        Function<Integer, String> many = n -> "[" + String.join(",", java.util.Collections.nCopies(n, order)) + "]";
        String[] bodies = { "[]", "{}", "null", "[null]", "[1,2]", "[" + order + ",{\"quantity\":\"x\"}]",
            many.apply(OrderResource.MAX_BATCH + 1 + random.nextInt(50)), "[" + order.replace("1,", "-5,") + "]",
            "[[[[" + order + "]]]]", "\"" + order + "\"" };
        String body = bodies[random.nextInt(bodies.length)];
        return new Bad("batch " + abbreviate(body), "/orders/batch", "application/json", utf8(body));
    }

    private static Bad badLines(Random random) {
        String[] bodies = { "", "\n\n", "1001:Pen", "1001:Pen,abc", "1001 Pen,2", "1001:Pen,-2", "1001:Pen,2,0",
            "1001:Pen,1e400", ":Pen,2", "1001:,2", "1001:Pen,2\n1002:Mouse",
            "1001:Pen,2\n".repeat(OrderLines.MAX_LINES + 1 + random.nextInt(100)), "1001:Pe\u0000n,2" };
        String body = bodies[random.nextInt(bodies.length)];
        return new Bad("lines " + abbreviate(body), "/orders/lines", "text/plain", utf8(body));
    }

    /** A JSON order whose item holds bytes that are no UTF-8: a lone continuation byte, a cut sequence, 0xFF. */
    private static byte[] invalidUtf8(Random random) {
        byte[][] bad = { { (byte) 0x80 }, { (byte) 0xC3, (byte) 0x28 }, { (byte) 0xFF }, { (byte) 0xE2, (byte) 0x82 },
            { (byte) 0xED, (byte) 0xA0, (byte) 0x80 } };
        byte[] head = utf8("{\"customerId\":\"1001\",\"quantity\":1,\"unitPrice\":2,\"item\":\"P");
        byte[] middle = bad[random.nextInt(bad.length)];
        byte[] tail = utf8("en\"}");
        byte[] body = new byte[head.length + middle.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(middle, 0, body, head.length, middle.length);
        System.arraycopy(tail, 0, body, head.length + middle.length, tail.length);
        return body;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "... (" + text.length() + " chars)" : text;
    }
}
