package io.orderguarantees.lab;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The orders billing reads, written straight to the topic at a steady pace by an acks=all idempotent producer, as the
 * intake's {@code orders-acks-all} channel writes them: the billing scenarios crash the service, so the orders must
 * not come through it.
 */
final class Publisher implements AutoCloseable {

    private final KafkaProducer<String, String> producer;
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicInteger sent = new AtomicInteger();
    private final Thread thread;

    private Publisher(String bootstrapServers, String topic, List<String> orderIds, Duration over) {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000), new StringSerializer(), new StringSerializer());
        long pauseNanos = over.toNanos() / Math.max(1, orderIds.size());
        thread = new Thread(() -> {
            long next = System.nanoTime();
            for (int i = 0; i < orderIds.size(); i++) {
                String orderId = orderIds.get(i);
                producer.send(new ProducerRecord<>(topic, "c-" + i % 30, Orders.json(orderId, i)), (metadata, failure) -> {
                    if (failure == null) {
                        acknowledged.add(orderId);
                    }
                });
                sent.incrementAndGet();
                next += pauseNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LabKafka.sleep(Duration.ofNanos(wait));
                }
            }
            producer.flush();
        }, "lab-publisher");
        thread.setDaemon(true);
    }

    /** Starts publishing {@code orderIds}, spread evenly over {@code over}. */
    static Publisher start(String bootstrapServers, String topic, List<String> orderIds, Duration over) {
        Publisher publisher = new Publisher(bootstrapServers, topic, orderIds, over);
        publisher.thread.start();
        return publisher;
    }

    int sent() {
        return sent.get();
    }

    /** Waits until every order was sent and answered; the orders the broker acknowledged. */
    Set<String> awaitAcknowledged() {
        try {
            thread.join(Duration.ofSeconds(300).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Set.copyOf(acknowledged);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
