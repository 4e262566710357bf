package io.orderguarantees.devbroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.TopicReader;
import io.orderguarantees.testsupport.DevMode;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/**
 * The README's dev command, run as a newcomer runs it: from a fresh copy of the project, with nothing configured and
 * no Docker. Writes {@code target/dev-mode/report.md} with how long dev mode took to serve, and how long a live reload
 * took until the edit answered and until billing had invoiced an order again.
 */
class DevModeIT {

    private static final Path WORK = Path.of("target", "dev-mode").toAbsolutePath();
    private static final Path PROJECT = WORK.resolve("project");
    private static final Duration START = Duration.ofMinutes(6);
    private static final List<String> INVOICE_TOPICS = List.of("invoices-at-most-once", "invoices-at-least-once",
            "invoices-exactly-once");
    private static final Pattern OFFSET = Pattern.compile("\"offset\":(\\d+|null)");
    /** What dev mode says once a start failed and it waits for a fix. */
    private static final String STARTUP_FAILED = "to recover from previous Quarkus startup failure";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void readmeDevCommandServesBillsAndReloadsWithoutRestartingKafka() throws Exception {
        assertPortsFree(8080, 9092, 5433);
        freshCopy();
        Map<String, Object> broker = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Instant launched = Instant.now();
        try (DevMode dev = DevMode.start(PROJECT, DevMode.readmeCommand(), Map.of(), WORK.resolve("dev.log"))) {
            String url = dev.awaitListening(START);
            Duration startup = Duration.between(launched, Instant.now());

            HttpResponse<String> first = postOrder(url, "dev-first");
            assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
            long firstOffset = offset(first.body());
            awaitInvoiced(broker, "dev-first", Duration.ofSeconds(60));
            ProcessHandle kafka = dev.descendant(DevBrokerMain.class.getName())
                    .orElseThrow(() -> new AssertionError("no dev broker process under dev mode"));
            long postgres = devPostgresPid();

            // The edit changes what a bad request is answered: the answer tells whether the new code is live.
            Path source = PROJECT.resolve("src/main/java/io/orderguarantees/intake/QueryValues.java");
            // A token taken before the edit, as the README's TOKEN=$(curl .../dev/token) is: good after the reload.
            String token = devToken(url).orElseThrow();
            Files.writeString(source, Files.readString(source).replace("\"must be one of \"", "\"has to be one of \""));
            // Dev mode looks for changed sources at most every 2 s, on a request.
            Thread.sleep(2_500);

            Reload reload;
            try (InvoiceWatch watch = new InvoiceWatch(broker)) {
                long requested = System.nanoTime();
                HttpResponse<String> second = send(HttpRequest.newBuilder(URI.create(url + "orders?acks=all&send=sync"))
                        .header("Content-Type", "application/json").header("Authorization", token)
                        .POST(HttpRequest.BodyPublishers.ofString(order("dev-second"))).build());
                long answered = System.nanoTime();
                assertThat(second.statusCode()).as(second.body()).isEqualTo(201);
                offset(second.body());
                HttpResponse<String> edited = send(HttpRequest.newBuilder(URI.create(url + "orders?acks=2"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                order("dev-bad"))).build());
                assertThat(edited.body()).as("the edit is live").contains("acks: has to be one of 0, 1, all");
                Map<String, Long> invoiced = watch.awaitInAllTopics("dev-second", Duration.ofSeconds(60));
                Map<String, Long> billedMs = new TreeMap<>();
                invoiced.forEach((topic, at) -> billedMs.put(topic, millis(at - requested)));
                reload = new Reload(millis(answered - requested), billedMs);
            }
            assertThat(dev.log()).contains("Restarting quarkus due to changes in QueryValues");
            assertThat(kafka.isAlive()).as("the dev broker of before the reload still runs").isTrue();
            assertThat(dev.descendant(DevBrokerMain.class.getName()).map(ProcessHandle::pid))
                    .as("the same broker process serves after the reload").contains(kafka.pid());
            assertThat(devPostgresPid()).as("the same PostgreSQL serves after the reload").isEqualTo(postgres);

            List<ConsumerRecord<String, String>> orders = TopicReader.readToEnd(broker, "orders");
            assertThat(orders).as("the first order's record is still in the topic, where it was acknowledged")
                    .anyMatch(r -> r.offset() == firstOffset && r.value().contains("\"orderId\":\"dev-first\""));
            for (String topic : INVOICE_TOPICS) {
                assertThat(TopicReader.readToEnd(broker, topic)).as(topic + " invoices both orders, once each")
                        .extracting(r -> orderId(r.value())).containsExactlyInAnyOrder("dev-first", "dev-second");
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ledgerOrderIds())
                    .as("the ledger, read with SQL, bills both orders once")
                    .containsExactly("dev-first", "dev-second"));

            List<ProcessHandle> left = dev.stop();
            assertThat(left).as("processes that outlived dev mode by 30 s").isEmpty();
            assertThat(kafka.isAlive()).as("the dev broker ends with dev mode").isFalse();
            assertThat(ProcessHandle.of(postgres).map(ProcessHandle::isAlive))
                    .as("the dev PostgreSQL ends with dev mode")
                    .isNotEqualTo(Optional.of(true));
            writeReport(startup, reload);
        }
    }

    @Test
    void port9092TakenBySomethingElseIsNamedInsteadOfHanging() throws Exception {
        assertPortsFree(8080, 9092);
        try (ServerSocket notKafka = new ServerSocket()) {
            notKafka.setReuseAddress(true);
            notKafka.bind(new InetSocketAddress("localhost", 9092));
            Thread squatter = new Thread(() -> acceptAndStaySilent(notKafka), "not-kafka-on-9092");
            squatter.setDaemon(true);
            squatter.start();
            try (DevMode dev = DevMode.start(compiledCopy(), DevMode.readmeCommand(), Map.of(),
                    WORK.resolve("dev-port-taken.log"))) {
                String message = "Port 9092 is taken by something that does not answer as a Kafka broker";
                awaitLog(dev, message, START);
                // Dev mode then serves its error page, which names the cause, and waits for a fix.
                awaitLog(dev, STARTUP_FAILED, Duration.ofSeconds(30));
                HttpResponse<String> answer = postOrderOnceListening("http://localhost:8080/", "dev-port",
                        Duration.ofSeconds(30));
                assertThat(answer.statusCode()).isEqualTo(500);
                assertThat(answer.body()).contains(message);
                assertThat(dev.descendant(DevBrokerMain.class.getName())).as("no dev broker started").isEmpty();
            }
            squatter.interrupt();
        }
    }

    @Test
    void configuredBootstrapServersAreUsedAndNoDevBrokerStarts() throws Exception {
        assertPortsFree(8080, 9092);
        try (EmbeddedKafkaBroker users = new EmbeddedKafkaBroker().withAdditionalProperties(
                p -> p.put("num.partitions", "1")).start()) {
            String address = users.getAdvertisedListeners().replace("PLAINTEXT://", "");
            List<String> command = new ArrayList<>(DevMode.readmeCommand());
            command.add("-Dkafka.bootstrap.servers=" + address);
            try (DevMode dev = DevMode.start(compiledCopy(), command, Map.of(), WORK.resolve("dev-configured.log"))) {
                String url = dev.awaitListening(START);
                HttpResponse<String> order = postOrder(url, "dev-users-broker");
                assertThat(order.statusCode()).as(order.body()).isEqualTo(201);
                assertThat(TopicReader.readToEnd(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, address), "orders"))
                        .as("the order is in the user's broker").anyMatch(r -> r.value().contains("dev-users-broker"));
                assertThat(dev.log()).contains("Kafka at " + address + " (configured): no dev broker started");
                assertThat(dev.descendant(DevBrokerMain.class.getName())).as("no dev broker started").isEmpty();
                assertThat(DevKafkaBroker.listening(9092)).as("nothing listens on 9092").isFalse();
            }
        }
    }

    /** Milliseconds from the request after an edit to its answer, and to the order's invoice in each topic. */
    private record Reload(long answeredMs, Map<String, Long> billedMs) {

        long allBilledMs() {
            return billedMs.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        }
    }

    /** Reads the invoice topics from their current end: what billing writes from now on. */
    private static final class InvoiceWatch implements AutoCloseable {

        private final KafkaConsumer<String, String> consumer;

        InvoiceWatch(Map<String, Object> broker) {
            consumer = new KafkaConsumer<>(broker, new StringDeserializer(), new StringDeserializer());
            List<TopicPartition> partitions = INVOICE_TOPICS.stream().flatMap(topic -> consumer
                    .partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
        }

        /** The {@link System#nanoTime()} at which the order's invoice was seen, for each invoice topic. */
        Map<String, Long> awaitInAllTopics(String orderId, Duration timeout) {
            Map<String, Long> seenIn = new TreeMap<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(50))) {
                    if (orderId.equals(orderId(record.value()))) {
                        seenIn.putIfAbsent(record.topic(), System.nanoTime());
                    }
                }
                if (seenIn.size() == INVOICE_TOPICS.size()) {
                    return seenIn;
                }
            }
            throw new AssertionError(orderId + " invoiced only in " + seenIn.keySet() + " within " + timeout);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    private static void awaitInvoiced(Map<String, Object> broker, String orderId, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (INVOICE_TOPICS.stream().allMatch(topic -> TopicReader.readToEnd(broker, topic).stream()
                    .anyMatch(r -> orderId.equals(orderId(r.value()))))) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(orderId + " not invoiced by every pipeline within " + timeout);
    }

    private static boolean copiedInThisRun;

    /**
     * The copy an earlier test of this run made, which dev mode already compiled: these tests are not about
     * compiling. A copy left by an earlier run may hold other sources, so each run makes its own.
     */
    private static synchronized Path compiledCopy() {
        return copiedInThisRun ? PROJECT : freshCopy();
    }

    private static synchronized Path freshCopy() {
        copiedInThisRun = true;
        return DevMode.cleanCopy(PROJECT);
    }

    private static HttpResponse<String> postOrder(String url, String orderId) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url + "orders?acks=all&send=sync"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(order(orderId))).build());
    }

    /** As {@link #postOrder}, retried while nothing listens yet: dev mode opens its error page a moment later. */
    private static HttpResponse<String> postOrderOnceListening(String url, String orderId, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return postOrder(url, orderId);
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(250);
            }
        }
    }

    private static String order(String orderId) {
        return "{\"orderId\":\"" + orderId + "\",\"customerId\":\"1001\",\"item\":\"Mobile\",\"quantity\":1,"
                + "\"unitPrice\":100}";
    }

    /** The request with dev mode's own token (GET /dev/token, as the README does it) unless it carries one. */
    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(request, (name, value) -> true)
                .timeout(Duration.ofMinutes(2));
        if (request.headers().firstValue("Authorization").isEmpty()) {
            devToken(request.uri().resolve("/").toString()).ifPresent(token -> builder.header("Authorization", token));
        }
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * {@code Bearer <jwt>} from dev mode's GET /dev/token (order-writer, billing-auditor and operator), or none while
     * dev mode serves its error page instead of the application.
     */
    private static Optional<String> devToken(String url) throws Exception {
        HttpResponse<String> token = HTTP.send(HttpRequest.newBuilder(URI.create(url + "dev/token"))
                .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
        return token.statusCode() == 200 ? Optional.of("Bearer " + token.body()) : Optional.empty();
    }

    private static long offset(String receipt) {
        Matcher offset = OFFSET.matcher(receipt);
        assertThat(offset.find()).as("an offset in " + receipt).isTrue();
        assertThat(offset.group(1)).as("a real offset, acknowledged by the broker").isNotEqualTo("null");
        return Long.parseLong(offset.group(1));
    }

    /** The dev PostgreSQL's postmaster, from the pid file of its cluster in the project's target/. */
    private static long devPostgresPid() throws IOException {
        return Long.parseLong(Files.readAllLines(PROJECT.resolve("target/dev-postgres/data/postmaster.pid")).get(0)
                .strip());
    }

    private static List<String> ledgerOrderIds() throws SQLException {
        try (Connection ledger = DriverManager.getConnection("jdbc:postgresql://localhost:5433/quarkus", "quarkus",
                "quarkus");
                ResultSet rows = ledger.createStatement().executeQuery(
                        "SELECT order_id FROM ledger_invoices ORDER BY order_id")) {
            List<String> ids = new ArrayList<>();
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
            return ids;
        }
    }

    private static String orderId(String invoice) {
        Matcher id = Pattern.compile("\"orderId\":\"([^\"]*)\"").matcher(invoice);
        return id.find() ? id.group(1) : "";
    }

    private static void awaitLog(DevMode dev, String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long failedAt = 0;
        for (String log = dev.log(); !log.contains(text); log = dev.log()) {
            // The failure's first line comes before its stack trace, which may name the cause: a moment more for it.
            if (failedAt == 0 && !text.equals(STARTUP_FAILED) && log.contains(STARTUP_FAILED)) {
                failedAt = System.nanoTime();
            }
            boolean startFailed = failedAt != 0 && System.nanoTime() - failedAt > 2_000_000_000L;
            if (System.nanoTime() > deadline || startFailed) {
                throw new AssertionError("dev mode never said '" + text + "': " + dev.reason());
            }
            Thread.sleep(250);
        }
    }

    private static void assertPortsFree(int... ports) {
        for (int port : ports) {
            assertThat(DevKafkaBroker.listening(port)).as("port " + port + " must be free for the README's dev command")
                    .isFalse();
        }
    }

    /** Accepts connections and never answers: a port squatter that is not Kafka. */
    private static void acceptAndStaySilent(ServerSocket server) {
        List<Socket> open = new ArrayList<>();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Socket socket = server.accept();
                open.add(socket);
            }
        } catch (IOException closed) {
            open.forEach(s -> {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing anyway
                }
            });
        }
    }

    private static long millis(long nanos) {
        return Duration.ofNanos(nanos).toMillis();
    }

    private static void writeReport(Duration startup, Reload reload) throws IOException {
        String report = """
                # Dev mode: the README's dev command, from a fresh copy

                Generated by `DevModeIT` on %s (%d cores, Java %s), no Docker, nothing configured.

                | step | time |
                |---|---:|
                | command to "Listening on" (compiles the copy, starts the dev broker) | %.1f s |
                | live reload: request after an edit to its answer (compile, restart, broker kept) | %.1f s |
                | live reload: request after an edit until every pipeline invoiced that order | %.1f s |
                %s
                Goal for the last two: 3 s. The invoices are read from outside the service (read_committed).
                """.formatted(Instant.now(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), startup.toMillis() / 1000.0, reload.answeredMs() / 1000.0,
                reload.allBilledMs() / 1000.0, reload.billedMs().entrySet().stream()
                        .map(e -> "| ... in `%s` | %.1f s |%n".formatted(e.getKey(), e.getValue() / 1000.0))
                        .collect(Collectors.joining()));
        Files.writeString(WORK.resolve("report.md"), report);
        System.out.println(report);
    }
}
