package io.orderguarantees.lab;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.orderguarantees.billing.Pipeline;
import io.orderguarantees.devdatabase.PrivatePostgres;
import io.orderguarantees.lab.BillingScenarios.Billing;
import io.orderguarantees.testsupport.ChildProcesses;
import io.orderguarantees.testsupport.Progress;
import io.orderguarantees.testsupport.ServiceProcess;
import io.orderguarantees.testsupport.TestPostgres;
import io.restassured.path.json.JsonPath;

/**
 * From a client's retry to the row in the ledger, through crashes of everything in between. A client that retries
 * every 503, timeout and reset with the same orderId sends the orders through whichever instance is up, while in turn
 * the service is killed -9 and restarted, the partition leader is killed -9, PostgreSQL is killed -9 and restarted, a
 * second instance joins, the first is paused (SIGSTOP) past its session timeout and resumed, and the second is killed
 * -9 and restarted. The ledger is then counted with SQL, not through the service; the three topic pipelines' rows say what they made
 * of the same retries.
 */
final class RetryScenario {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /**
     * A client's patience, as a real one has: shorter than a paused instance or a leader's failover, so that some
     * answers never come and the order is sent again, maybe to the other instance, while its first attempt may still
     * be written.
     */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final int CLIENTS = 4;
    /** Past the test profile's session timeout (6 s), with room to rebalance: the paused instance's partitions move. */
    private static final Duration PAUSE = Duration.ofSeconds(9);

    private final BillingScenarios scenarios;
    private final LabKafka kafka;
    private final Progress progress;
    private final int orders;
    private final Map<String, String> ledger;

    RetryScenario(BillingScenarios scenarios, LabKafka kafka, Progress progress, int orders) {
        this.scenarios = scenarios;
        this.kafka = kafka;
        this.progress = progress;
        this.orders = orders;
        // the ledger database every service of this cluster writes to (ServiceProcess gives it)
        this.ledger = TestPostgres.databaseFor(kafka.bootstrapServers());
    }

    List<LabResult> run() {
        String fault = "client retries with the same orderId; in turn: service killed -9 and restarted, leader killed "
                + "-9, PostgreSQL killed -9 and restarted, 2nd instance joined, 1st paused past its session timeout, "
                + "2nd killed -9 and restarted";
        long start = System.nanoTime();
        Billing billing = scenarios.fresh();
        progress.say("retrying client: %d orders on %s through every fault in turn", orders, billing.orders());
        Map<String, String> config = billing.config();
        String a = billing.prefix() + "-a";
        String b = billing.prefix() + "-b";
        Map<String, ServiceProcess> instances = new ConcurrentHashMap<>();
        List<String> invalid = new ArrayList<>();
        List<String> ids = IntStream.range(0, orders).mapToObj(i -> billing.prefix() + "-" + i).toList();
        try {
            instances.put(a, ServiceProcess.start(a, "retry", kafka.bootstrapServers(), config));
            // Spread over a minute at least, so that every fault finds orders still to send.
            Duration pace = Duration.ofSeconds(Math.max(60, orders / 10)).multipliedBy(CLIENTS).dividedBy(orders);
            Client client = new Client(ids, instances, pace);
            client.start();

            step(client, 1, invalid, "service killed -9 and restarted", () -> {
                instances.remove(a).kill();
                instances.put(a, ServiceProcess.start(a, "retry-restarted", kafka.bootstrapServers(), config));
            });
            step(client, 2, invalid, "leader of partition 0 killed -9 and restarted", () -> {
                int leader = kafka.leader(billing.orders(), 0);
                kafka.cluster().kill(leader);
                LabKafka.sleep(Duration.ofSeconds(5));
                kafka.cluster().restart(leader);
                kafka.awaitFullIsr(billing.orders(), Duration.ofSeconds(120));
            });
            step(client, 3, invalid, "PostgreSQL killed -9 and restarted", () -> {
                PrivatePostgres postgres = TestPostgres.server();
                try {
                    ChildProcesses.signal("KILL", postgres.pid());
                    LabKafka.sleep(Duration.ofSeconds(3));
                    postgres.restart();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            step(client, 4, invalid, "a second instance joined", () -> instances.put(b,
                    ServiceProcess.start(b, "retry", kafka.bootstrapServers(), config)));
            step(client, 5, invalid, "the first instance paused " + PAUSE.toSeconds() + " s and resumed", () -> {
                long pid = instances.get(a).pid();
                ChildProcesses.signal("STOP", pid);
                LabKafka.sleep(PAUSE);
                ChildProcesses.signal("CONT", pid);
            });
            // restarted with its id, as a StatefulSet restarts its pod: the new producer aborts the open transaction
            // at once, where a never-restarted instance's would hold read_committed readers for transaction.timeout.ms
            step(client, 6, invalid, "the second instance killed -9 and restarted", () -> {
                instances.remove(b).kill();
                instances.put(b, ServiceProcess.start(b, "retry-restarted", kafka.bootstrapServers(), config));
            });

            client.await(Duration.ofSeconds(600));
            Set<String> acknowledged = client.acknowledged();
            progress.say("  %d of %d orders acknowledged (%s); waiting for billing to catch up", acknowledged.size(),
                    orders, client.summary());
            List<String> notes = new ArrayList<>(List.of(client.summary()));
            awaitLedger(billing, acknowledged.size());
            scenarios.awaitCaughtUp(billing, instances, notes);
            auditAgrees(billing, instances.get(a), invalid);
            List<LabResult> results = new ArrayList<>();
            results.add(ledgerRow(billing, acknowledged, fault, start, invalid, notes));
            results.addAll(scenarios.count(billing, acknowledged, "retrying client", fault, start, invalid, notes,
                    Pipeline.values()));
            return results;
        } finally {
            instances.values().forEach(ServiceProcess::kill);
        }
    }

    /**
     * The service's own audit ({@code /billing/<pipeline>/summary}) must count the duplicates the lab counts in each
     * invoice topic, read from outside: at-least-once bills this scenario's retries and redeliveries twice, so a count
     * wired to 0 makes the rows invalid.
     */
    private void auditAgrees(Billing billing, ServiceProcess service, List<String> invalid) {
        for (Pipeline pipeline : Pipeline.values()) {
            List<String> invoiced = kafka.orderIds(billing.invoices(pipeline));
            long duplicates = invoiced.size() - new HashSet<>(invoiced).size();
            boolean audited = LabKafka.within(Duration.ofSeconds(60), () -> summary(service, pipeline)
                    .getLong("invoices") >= invoiced.size());
            long counted = summary(service, pipeline).getLong("duplicates");
            if (!audited || counted != duplicates) {
                invalid.add("the service's audit of " + pipeline.id() + " counted " + counted + " duplicates"
                        + (audited ? "" : " (not caught up within 60 s)") + ", the invoice topic holds " + duplicates);
            }
            progress.say("  audit of %s: %d duplicates, as in the topic: %s", pipeline.id(), counted,
                    audited && counted == duplicates);
        }
    }

    private static JsonPath summary(ServiceProcess service, Pipeline pipeline) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(service.baseUrl()
                    + "/billing/" + pipeline.id() + "/summary")).header("Authorization", ServiceProcess.authorization())
                    .timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("summary of " + pipeline.id() + ": " + response.statusCode() + " "
                        + response.body());
            }
            return JsonPath.from(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Once the client has acknowledgements for {@code n} eighths of the orders, the fault. */
    private void step(Client client, int n, List<String> invalid, String what, Runnable fault) {
        int threshold = orders * n / 8;
        LabKafka.await(Duration.ofSeconds(300), threshold + " orders acknowledged", () -> client.done() >= threshold);
        if (client.done() >= orders) {
            invalid.add("every order was acknowledged before: " + what);
        }
        fault.run();
        progress.say("  %s, after %d orders", what, threshold);
    }

    private void awaitLedger(Billing billing, int acknowledged) {
        LabKafka.within(Duration.ofSeconds(240), () -> count(billing, "SELECT count(*) FROM ledger_invoices "
                + "WHERE order_id LIKE ?") >= acknowledged);
    }

    private LabResult ledgerRow(Billing billing, Set<String> acknowledged, String fault, long start,
            List<String> invalid, List<String> notes) {
        Set<String> billed = new HashSet<>();
        Map<String, Long> twice = new HashMap<>();
        query(billing, "SELECT order_id, count(*) FROM ledger_invoices WHERE order_id LIKE ? GROUP BY order_id",
                row -> {
                    billed.add(row.getString(1));
                    if (row.getLong(2) > 1) {
                        twice.put(row.getString(1), row.getLong(2) - 1);
                    }
                });
        int lost = (int) acknowledged.stream().filter(id -> !billed.contains(id)).count();
        int duplicated = (int) twice.values().stream().mapToLong(Long::longValue).sum();
        long refused = count(billing, "SELECT count(*) FROM ledger_duplicates WHERE order_id LIKE ?");
        int inLog = kafka.orderIds(billing.orders()).size();
        List<String> facts = new ArrayList<>(List.of(billed.size() + " orders billed, counted with SQL",
                inLog + " records in " + billing.orders() + ", " + refused + " refused as duplicates"));
        facts.addAll(notes);
        progress.say("  ledger: %d lost, %d billed twice, %d refused duplicates", lost, duplicated, refused);
        return new LabResult("retrying client: ledger", "ledger", fault, orders, acknowledged.size(), lost, duplicated,
                BillingScenarios.stops(notes, "billing-ledger"), ProducerScenarios.millisSince(start), invalid.isEmpty(),
                String.join("; ", invalid.isEmpty() ? facts : invalid));
    }

    private interface Row {
        void accept(ResultSet row) throws SQLException;
    }

    private void query(Billing billing, String sql, Row each) {
        try (Connection connection = TestPostgres.connect(ledger);
                PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, billing.prefix() + "-%");
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    each.accept(rows);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long count(Billing billing, String sql) {
        long[] count = { 0 };
        try {
            query(billing, sql, row -> count[0] = row.getLong(1));
        } catch (IllegalStateException databaseDown) {
            return -1;
        }
        return count[0];
    }

    /**
     * {@value #CLIENTS} clients, each posting one order at a time (acks=all, sync) to an instance that is up, and
     * posting it again, with the same orderId, after any answer that is not a 201 or a 4xx, or none at all.
     */
    private static final class Client {

        private final List<String> ids;
        private final Map<String, ServiceProcess> instances;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final Map<String, String> outcomes = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        private final AtomicInteger retried = new AtomicInteger();
        private final List<Thread> threads = new CopyOnWriteArrayList<>();
        private final Duration pace;

        Client(List<String> ids, Map<String, ServiceProcess> instances, Duration pace) {
            this.ids = ids;
            this.instances = instances;
            this.pace = pace;
        }

        void start() {
            for (int c = 0; c < CLIENTS; c++) {
                Thread thread = new Thread(this::work, "lab-retrying-client-" + c);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }

        int done() {
            return done.get();
        }

        void await(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Thread thread : threads) {
                try {
                    thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }

        Set<String> acknowledged() {
            Set<String> acked = new HashSet<>();
            outcomes.forEach((id, outcome) -> {
                if (outcome.equals(Orders.ACKED)) {
                    acked.add(id);
                }
            });
            return acked;
        }

        String summary() {
            return retried.get() + " orders needed more than one attempt; answers before the last: " + answers;
        }

        private void work() {
            for (int i = next.getAndIncrement(); i < ids.size(); i = next.getAndIncrement()) {
                String id = ids.get(i);
                boolean firstAttempt = true;
                long giveUp = System.nanoTime() + Duration.ofSeconds(300).toNanos();
                while (System.nanoTime() < giveUp) {
                    String answer = post(id, i);
                    if (answer.equals("201")) {
                        outcomes.put(id, Orders.ACKED);
                        break;
                    }
                    if (answer.startsWith("4")) {
                        outcomes.put(id, answer);
                        break;
                    }
                    if (firstAttempt) {
                        retried.incrementAndGet();
                        firstAttempt = false;
                    }
                    answers.computeIfAbsent(answer, k -> new AtomicInteger()).incrementAndGet();
                    LabKafka.sleep(Duration.ofMillis(200));
                }
                outcomes.putIfAbsent(id, "gave up");
                done.incrementAndGet();
                LabKafka.sleep(pace);
            }
        }

        /** The status and, for a problem, its type; or what the client saw instead of an answer. */
        private String post(String id, int i) {
            List<ServiceProcess> up = new ArrayList<>(instances.values());
            if (up.isEmpty()) {
                return "no instance";
            }
            ServiceProcess service = up.get(Math.floorMod(i + (int) (System.nanoTime() >>> 20), up.size()));
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(service.baseUrl()
                        + "/orders?acks=all&send=sync")).timeout(REQUEST_TIMEOUT)
                        .header("Content-Type", "application/json").header("Authorization", ServiceProcess.authorization())
                        .POST(HttpRequest.BodyPublishers.ofString(Orders.json(id, i))).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 201) {
                    return "201";
                }
                String type = response.body().replaceAll("(?s).*\"type\":\"([^\"]*)\".*", "$1");
                return response.statusCode() + (type.equals(response.body()) ? "" : " " + type);
            } catch (IOException e) {
                return e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
    }
}
