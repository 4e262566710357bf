package io.orderguarantees.bench;

import java.time.Duration;
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

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.orderguarantees.testsupport.KafkaCluster;
import io.orderguarantees.testsupport.Progress;
import io.orderguarantees.testsupport.ServiceProcess;

/**
 * Records per second of each billing pipeline on one pre-filled topic. Each run is a fresh service with that one
 * pipeline on, a fresh consumer group and a fresh invoice topic; its rate is read from the invoices' own
 * timestamps over the second half of what it billed, after the JIT has warmed up, so that the service's start
 * does not count.
 */
final class BillingThroughput {

    static final String TOPIC = "bench-billing";
    /** A pipeline as configured, or with one setting changed to show what limits it. */
    private record Variant(String name, String pipeline, Map<String, String> config) {
    }

    private static final List<Variant> VARIANTS = List.of(
            new Variant("billing at-most-once", "at-most-once", Map.of()),
            new Variant("billing at-least-once", "at-least-once", Map.of()),
            new Variant("billing exactly-once", "exactly-once", Map.of()));

    private final KafkaCluster cluster;
    private final Bench.Settings settings;
    private final Progress progress;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, List<Double>> perSecond = new LinkedHashMap<>();
    private final Map<String, List<String>> notes = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

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
        List<BenchRow> rows = new ArrayList<>();
        List<Double> atLeastOnce = perSecond.get("billing at-least-once");
        for (Variant variant : VARIANTS) {
            List<Double> samples = perSecond.get(variant.name());
            rows.add(BenchRow.throughput("billing", variant.name(), target(variant.pipeline()), samples,
                    "billing at-least-once", Stats.median(Stats.ratios(samples, atLeastOnce)),
                    String.join("; ", new LinkedHashSet<>(notes.get(variant.name())))));
        }
        return rows;
    }

    /** What did not add up: an order billed twice or not at all where no fault was injected. */
    List<String> problems() {
        return problems;
    }

    private int target(String pipeline) {
        return settings.billingOrders();
    }

    private void prefill() throws Exception {
        progress.say("billing: writing %,d orders of about %d bytes to %s", settings.billingOrders(),
                Bench.RECORD_BYTES, TOPIC);
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3))).all().get(30, TimeUnit.SECONDS);
        }
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        String padding = "x".repeat(Bench.RECORD_BYTES - 120);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
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
        String pipeline = variant.pipeline();
        int index = VARIANTS.indexOf(variant);
        String invoices = "bench-invoices-%d-%d".formatted(index, rep);
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(invoices, 3, (short) 3))).all().get(30, TimeUnit.SECONDS);
        }
        Map<String, String> config = new HashMap<>(Bench.SERVICE_CONFIG);
        config.put("mp.messaging.incoming.billing-" + pipeline + ".enabled", "true");
        config.put("mp.messaging.incoming.billing-" + pipeline + ".topic", TOPIC);
        config.put("mp.messaging.incoming.billing-" + pipeline + ".group.id", "bench-%d-%d".formatted(index, rep));
        config.put("mp.messaging.outgoing.invoices-" + pipeline + ".topic", invoices);
        config.putAll(variant.config());
        int target = target(pipeline);
        List<ConsumerRecord<String, String>> billed;
        try (ServiceProcess service = ServiceProcess.start("bench-billing-%d-%d".formatted(index, rep), "bench",
                cluster.bootstrapServers(), config)) {
            billed = read(invoices, target, Duration.ofMinutes(settings.full() ? 15 : 3));
            // measured: a graceful stop would only wait out SmallRye's shutdown grace (two poll timeouts a channel)
            service.kill();
        }
        List<Long> timestamps = billed.stream().map(ConsumerRecord::timestamp).sorted().toList();
        int half = target / 2;
        double seconds = (timestamps.get(target - 1) - timestamps.get(half)) / 1000.0;
        double rate = (target - 1 - half) / Math.max(seconds, 0.001);
        perSecond.computeIfAbsent(variant.name(), k -> new ArrayList<>()).add(rate);
        Set<String> distinct = new HashSet<>();
        int duplicates = 0;
        for (ConsumerRecord<String, String> invoice : billed) {
            if (!distinct.add(json.readTree(invoice.value()).get("orderId").asText())) {
                duplicates++;
            }
        }
        if (distinct.size() != target || duplicates != 0) {
            problems.add("%s run %d: %d distinct orders billed of %d, %d duplicates".formatted(pipeline, rep + 1,
                    distinct.size(), target, duplicates));
        }
        notes.computeIfAbsent(variant.name(), k -> new ArrayList<>()).add(duplicates == 0 ? "no duplicates"
                : duplicates + " duplicates in run " + (rep + 1));
        progress.say("billing run %d/%d: %s, %,d invoices: %,.0f/s (second half), %d duplicates", rep + 1,
                settings.repeats(), variant.name(), billed.size(), rate, duplicates);
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
