package io.orderguarantees.bench;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.orderguarantees.billing.Invoice;
import io.orderguarantees.shared.Order;
import io.orderguarantees.testsupport.ChildProcesses;

/**
 * The floor a user could write by hand for a billing pipeline: one {@link KafkaConsumer} and one {@link KafkaProducer}
 * (acks=all, idempotent) doing the same decode (JSON to an order), invoice (quantity times unit price) and encode
 * (the invoice as JSON) as the service. Plain, it commits each poll's offsets once its invoices are acknowledged
 * (at-least-once); transactional, each poll is one transaction holding its invoices and its offsets (exactly-once).
 */
final class BareBillingLoop {

    private final String bootstrapServers;
    private final ObjectMapper json = new ObjectMapper();

    BareBillingLoop(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Runs {@link #main} in a fresh JVM with the service's heap limit (and {@code jvmOptions}) until it has billed
     * {@code count} orders; its output goes to {@code log}.
     */
    static void inOwnJvm(String bootstrapServers, String orders, String invoices, String group, int count,
            boolean transactional, Duration timeout, List<String> jvmOptions, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", ChildProcesses.CLASS_PATH, BareBillingLoop.class.getName(), bootstrapServers,
                orders, invoices, group, String.valueOf(count), String.valueOf(transactional),
                String.valueOf(timeout.toSeconds())));
        Files.createDirectories(log.getParent());
        Process process = ChildProcesses.start(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()));
        try {
            if (!process.waitFor(timeout.toSeconds() + 30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("the bare loop did not bill " + count + " orders: see " + log);
            }
        } finally {
            ChildProcesses.kill(process);
        }
    }

    /** {@code bootstrapServers orders invoices group count transactional timeoutSeconds}. */
    public static void main(String[] args) throws Exception {
        new BareBillingLoop(args[0]).bill(args[1], args[2], args[3], Integer.parseInt(args[4]),
                Boolean.parseBoolean(args[5]), Duration.ofSeconds(Long.parseLong(args[6])));
    }

    /** Bills {@code count} orders of {@code orders} into {@code invoices}, as group {@code group}. */
    void bill(String orders, String invoices, String group, int count, boolean transactional, Duration timeout)
            throws Exception {
        Properties consumerConfig = new Properties();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Properties producerConfig = FloorServer.producerConfig(bootstrapServers);
        if (transactional) {
            producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, group);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig);
                KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
            if (transactional) {
                producer.initTransactions();
            }
            consumer.subscribe(List.of(orders));
            int billed = 0;
            while (billed < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("bare loop: " + billed + " of " + count + " within " + timeout);
                }
                ConsumerRecords<String, String> polled = consumer.poll(Duration.ofMillis(100));
                if (polled.isEmpty()) {
                    continue;
                }
                if (transactional) {
                    producer.beginTransaction();
                }
                Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                for (ConsumerRecord<String, String> record : polled) {
                    Order order = json.readValue(record.value(), Order.class);
                    Invoice invoice = new Invoice(order.orderId(), order.customerId(),
                            order.unitPrice().multiply(BigDecimal.valueOf(order.quantity())), record.partition(),
                            record.offset(), "bare-loop");
                    producer.send(new ProducerRecord<>(invoices, order.customerId(), json.writeValueAsString(invoice)));
                    next.put(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1));
                }
                if (transactional) {
                    producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
                    producer.commitTransaction();
                } else {
                    producer.flush();
                    consumer.commitAsync(next, null);
                }
                billed += polled.count();
            }
            if (!transactional) {
                consumer.commitSync();
            }
        }
    }
}
