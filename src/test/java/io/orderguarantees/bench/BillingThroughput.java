package io.orderguarantees.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.orderguarantees.testsupport.KafkaCluster;
import io.orderguarantees.testsupport.Progress;
import io.orderguarantees.testsupport.ServiceProcess;
import io.orderguarantees.testsupport.TestPostgres;

/**
 * Records per second of each billing pipeline on one pre-filled topic. Each run is a fresh service with that one
 * pipeline on, a fresh consumer group and a fresh invoice topic (the ledger: a fresh database); its rate is read from
 * the invoices' own timestamps (the ledger: its rows counted with SQL) over the second half of what it billed, after
 * the JIT has warmed up, so that the service's start does not count. The bare loops run the same way: each run a fresh
 * JVM of their own, warming up on the same first half.
 */
final class BillingThroughput {

    static final String TOPIC = "bench-billing";
    static final String LEDGER = "billing ledger (PostgreSQL)";
    static final String AT_MOST_ONCE = "billing at-most-once";
    static final String AT_LEAST_ONCE = "billing at-least-once";
    static final String EXACTLY_ONCE = "billing exactly-once";
    static final String BARE = "bare loop: KafkaConsumer + KafkaProducer (acks=all), commit after each poll";
    static final String BARE_TRANSACTIONAL = "bare loop: a transaction per poll (invoices and offsets)";

    /** A pipeline of the service, or the bare loop written by hand, and the row it is compared to. */
    private record Variant(String name, String pipeline, String comparedTo) {

        boolean bare() {
            return pipeline.startsWith("bare");
        }
    }

    private static final List<Variant> VARIANTS = List.of(
            new Variant(BARE, "bare", null),
            new Variant(BARE_TRANSACTIONAL, "bare-transactional", BARE),
            new Variant(AT_MOST_ONCE, "at-most-once", AT_LEAST_ONCE),
            new Variant(AT_LEAST_ONCE, "at-least-once", BARE),
            new Variant(EXACTLY_ONCE, "exactly-once", BARE_TRANSACTIONAL),
            // the ledger is what exactly-once is for outside Kafka: it is compared with the Kafka transactions
            new Variant(LEDGER, "ledger", EXACTLY_ONCE));

    private final KafkaCluster cluster;
    private final Bench.Settings settings;
    private final Progress progress;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, List<Double>> perSecond = new LinkedHashMap<>();
    private final Map<String, List<String>> notes = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final LagChart lag = new LagChart();
    private final Map<String, Profile> profiles = new LinkedHashMap<>();

    BillingThroughput(KafkaCluster cluster, Bench.Settings settings, Progress progress) {
        this.cluster = cluster;
        this.settings = settings;
        this.progress = progress;
    }

    List<BenchRow> run() throws Exception {
        prefill();
        for (int rep = 0; rep < settings.repeats(); rep++) {
            for (int i = 0; i < VARIANTS.size(); i++) {
                bill(VARIANTS.get((i + rep) % VARIANTS.size()), rep);
            }
        }
        lag.write(settings.output().resolve("billing-lag.svg"), settings.billingOrders());
        List<BenchRow> rows = new ArrayList<>();
        for (Variant variant : VARIANTS) {
            List<Double> samples = perSecond.get(variant.name());
            rows.add(BenchRow.throughput("billing", variant.name(), settings.billingOrders(), samples,
                    variant.comparedTo() == null ? variant.name() : variant.comparedTo(),
                    variant.comparedTo() == null ? 1.0
                            : Stats.median(Stats.ratios(samples, perSecond.get(variant.comparedTo()))),
                    String.join("; ", new LinkedHashSet<>(notes.get(variant.name())))));
        }
        return rows;
    }

    /** What did not add up: an order billed twice or not at all where no fault was injected. */
    List<String> problems() {
        return problems;
    }

    private void prefill() throws Exception {
        progress.say("billing: writing %,d orders of about %d bytes to %s", settings.billingOrders(),
                Bench.RECORD_BYTES, TOPIC);
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3))).all().get(30, TimeUnit.SECONDS);
        }
        String padding = "x".repeat(Bench.RECORD_BYTES - 120);
        try (KafkaProducer<String, String> producer = Bench.producer(cluster)) {
            for (int i = 0; i < settings.billingOrders(); i++) {
                String customer = "customer-%02d".formatted(i % 100);
                producer.send(new ProducerRecord<>(TOPIC, customer, json.writeValueAsString(Map.of("orderId",
                        "billing-%08d".formatted(i), "customerId", customer, "item", padding, "quantity", 1,
                        "unitPrice", 9.99))));
            }
            producer.flush();
        }
    }

    private void bill(Variant variant, int rep) throws Exception {
        int index = VARIANTS.indexOf(variant);
        String channel = "billing-" + variant.pipeline();
        Map<String, String> config = new HashMap<>(Bench.SERVICE_CONFIG);
        config.put("mp.messaging.incoming." + channel + ".enabled", "true");
        config.put("mp.messaging.incoming." + channel + ".topic", TOPIC);
        config.put("mp.messaging.incoming." + channel + ".group.id", "bench-%d-%d".formatted(index, rep));
        int target = settings.billingOrders();
        Duration timeout = Duration.ofMinutes(settings.full() ? 15 : 3);
        String invoices = "bench-invoices-%d-%d".formatted(index, rep);
        boolean ledger = variant.name().equals(LEDGER);
        Map<String, String> database = ledger ? TestPostgres.newDatabase() : Map.of();
        if (!ledger) {
            try (Admin admin = cluster.admin()) {
                admin.createTopics(List.of(new NewTopic(invoices, 3, (short) 3))).all().get(30, TimeUnit.SECONDS);
            }
        }
        Billed billed;
        try (Admin admin = cluster.admin(); Waiting waiting = new Waiting(admin, invoices, database, target);
                AutoCloseable sampling = rep == 0 ? lag.sample(variant.name(), waiting::count) : () -> {
                }) {
            Path recording = settings.output().resolve("billing-%d.jfr".formatted(index)).toAbsolutePath();
            if (variant.bare()) {
                // the loop runs in a fresh JVM of its own, as the service does: neither starts with a warm JIT
                BareBillingLoop.inOwnJvm(cluster.bootstrapServers(), TOPIC, invoices, "bench-%d-%d".formatted(index,
                        rep), target, variant.pipeline().endsWith("transactional"), timeout,
                        rep == 0 ? List.of(Bench.flightRecording(recording)) : List.of(),
                        settings.output().resolve("billing-%d-%d.log".formatted(index, rep)));
                List<ConsumerRecord<String, String>> records = read(invoices, target, timeout);
                billed = invoiceRecords(records, target);
                if (rep == 0) {
                    profiles.put(variant.name(), Profile.read(recording, List.of(secondHalf(records, target))));
                }
            } else if (ledger) {
                config.putAll(database);
                try (ServiceProcess service = ServiceProcess.start("bench-billing-%d-%d".formatted(index, rep),
                        "bench", cluster.bootstrapServers(), config)) {
                    billed = ledgerRows(database, target, timeout);
                    service.kill();
                }
            } else {
                config.put("mp.messaging.outgoing.invoices-" + variant.pipeline() + ".topic", invoices);
                List<ConsumerRecord<String, String>> records;
                // the full run's first one is recorded; the tiny run's are not (a graceful stop, a few seconds each)
                boolean profiled = rep == 0 && settings.full();
                try (ServiceProcess service = ServiceProcess.start("bench-billing-%d-%d".formatted(index, rep),
                        "bench", cluster.bootstrapServers(), config,
                        profiled ? List.of(Bench.flightRecording(recording)) : List.of())) {
                    records = read(invoices, target, timeout);
                    billed = invoiceRecords(records, target);
                    if (!profiled) {
                        // measured: a graceful stop would only wait out SmallRye's shutdown grace (two poll timeouts
                        // a channel); a recorded run stops gracefully, to write its flight recording
                        service.kill();
                    }
                }
                if (profiled) {
                    profiles.put(variant.name(), Profile.read(recording, List.of(secondHalf(records, target))));
                }
            }
        }
        perSecond.computeIfAbsent(variant.name(), k -> new ArrayList<>()).add(billed.perSecond());
        if (billed.distinct() != target || billed.duplicates() != 0) {
            problems.add("%s run %d: %d distinct orders billed of %d, %d duplicates".formatted(variant.pipeline(),
                    rep + 1, billed.distinct(), target, billed.duplicates()));
        }
        notes.computeIfAbsent(variant.name(), k -> new ArrayList<>()).add(billed.duplicates() == 0 ? "no duplicates"
                : billed.duplicates() + " duplicates in run " + (rep + 1));
        progress.say("billing run %d/%d: %s, %,d orders: %,.0f/s (second half), %d duplicates", rep + 1,
                settings.repeats(), variant.name(), billed.distinct(), billed.perSecond(), billed.duplicates());
    }

    /** Orders on the topic not billed yet: minus the invoice topic's records (the ledger: its rows). */
    private static final class Waiting implements AutoCloseable {

        private final Admin admin;
        private final String invoices;
        private final Map<String, String> database;
        private final int orders;
        private Connection connection;

        Waiting(Admin admin, String invoices, Map<String, String> database, int orders) {
            this.admin = admin;
            this.invoices = invoices;
            this.database = database;
            this.orders = orders;
        }

        long count() {
            try {
                if (database.isEmpty()) {
                    return orders - admin.listOffsets(IntStream.range(0, 3).boxed().collect(Collectors.toMap(
                            p -> new TopicPartition(invoices, p), p -> OffsetSpec.latest()))).all()
                            .get(5, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum();
                }
                if (connection == null) {
                    connection = TestPostgres.connect(database);
                }
                return orders - single(connection, "SELECT count(*) FROM ledger_invoices");
            } catch (Exception notYet) {
                throw new IllegalStateException(notYet);
            }
        }

        @Override
        public void close() throws SQLException {
            if (connection != null) {
                connection.close();
            }
        }
    }

    /** What a run billed: its rate over the second half of the orders, distinct orders, and second invoices. */
    private record Billed(double perSecond, int distinct, int duplicates) {
    }

    /** Where the CPU went during each variant's first run (the ledger's aside), over the half its rate is taken on. */
    Map<String, Profile> profiles() {
        return profiles;
    }

    /** From the invoice in the middle to the last one, by the invoices' own timestamps: the rate's window. */
    private static Profile.Window secondHalf(List<ConsumerRecord<String, String>> billed, int target) {
        List<Long> timestamps = billed.stream().map(ConsumerRecord::timestamp).sorted().toList();
        return new Profile.Window(Instant.ofEpochMilli(timestamps.get(target / 2)),
                Instant.ofEpochMilli(timestamps.get(target - 1)));
    }

    /** The rate from the invoices' own timestamps, and the orders they bill. */
    private Billed invoiceRecords(List<ConsumerRecord<String, String>> billed, int target) throws Exception {
        List<Long> timestamps = billed.stream().map(ConsumerRecord::timestamp).sorted().toList();
        int half = target / 2;
        double seconds = (timestamps.get(target - 1) - timestamps.get(half)) / 1000.0;
        Set<String> distinct = new HashSet<>();
        int duplicates = 0;
        for (ConsumerRecord<String, String> invoice : billed) {
            if (!distinct.add(json.readTree(invoice.value()).get("orderId").asText())) {
                duplicates++;
            }
        }
        return new Billed((target - 1 - half) / Math.max(seconds, 0.001), distinct.size(), duplicates);
    }

    /**
     * Counts the ledger's invoice rows with SQL every 20 ms until {@code target} are there; the rate is taken between
     * the moments the count crossed half and all of it (each interpolated between two counts). A second record of an
     * order would be a refused duplicate row, never a second invoice.
     */
    private Billed ledgerRows(Map<String, String> database, int target, Duration timeout) throws Exception {
        int half = target / 2;
        long deadline = System.nanoTime() + timeout.toNanos();
        double halfAt = Double.NaN;
        long before = 0;
        long beforeAt = System.nanoTime();
        try (Connection connection = awaitConnection(database, deadline)) {
            while (true) {
                long count = single(connection, "SELECT count(*) FROM ledger_invoices");
                long at = System.nanoTime();
                if (Double.isNaN(halfAt) && count >= half) {
                    halfAt = crossing(half, before, beforeAt, count, at);
                }
                if (count >= target) {
                    double seconds = (crossing(target, before, beforeAt, count, at) - halfAt) / 1e9;
                    return new Billed((target - half) / Math.max(seconds, 0.001), (int) count,
                            (int) single(connection, "SELECT count(*) FROM ledger_duplicates"));
                }
                if (at > deadline) {
                    throw new IllegalStateException("ledger: " + count + " of " + target + " invoices within "
                            + timeout);
                }
                before = count;
                beforeAt = at;
                Thread.sleep(20);
            }
        }
    }

    /** When the count passed {@code mark}, assuming a steady rate between two counts. */
    private static double crossing(long mark, long before, long beforeAt, long count, long at) {
        return count == before ? at : beforeAt + (double) (mark - before) / (count - before) * (at - beforeAt);
    }

    /** The service creates the schema at start (Flyway); until then there is nothing to count. */
    private static Connection awaitConnection(Map<String, String> database, long deadline) throws Exception {
        Connection connection = TestPostgres.connect(database);
        while (true) {
            try {
                single(connection, "SELECT count(*) FROM ledger_invoices");
                return connection;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    connection.close();
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static long single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    /** Reads the invoice topic, read_committed, until {@code target} invoices are there. */
    private List<ConsumerRecord<String, String>> read(String topic, int target, Duration timeout) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-reader-" + topic);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            while (records.size() < target) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(topic + ": " + records.size() + " of " + target
                            + " invoices within " + timeout);
                }
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }
}
