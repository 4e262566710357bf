package io.orderguarantees.bench;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.orderguarantees.billing.Faults;
import io.orderguarantees.intake.Acks;
import io.orderguarantees.intake.OrderPublisher;
import io.orderguarantees.intake.SendStyle;
import io.orderguarantees.shared.Order;
import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;

/**
 * Publishes N orders of a given size either through the service's own path ({@link OrderPublisher}, hence its
 * Emitter channel) or through a bare {@link KafkaProducer} created with exactly the configuration that channel's
 * producer was created with (serializers, batching, linger, acks, idempotence): the same records, the same JVM,
 * the same broker, so that the difference is the cost of the layers above the Kafka client.
 */
@ApplicationScoped
@IfBuildProperty(name = Faults.LAB_BUILD, stringValue = "true")
public class PublishBench {

    /** The emitter path never has more unacknowledged orders than the connector's max-inflight-messages allows. */
    private static final int EMITTER_IN_FLIGHT = 1024;

    private final OrderPublisher publisher;
    private final KafkaClientService clients;
    private final Map<Acks, KafkaProducer<String, Order>> rawProducers = new ConcurrentHashMap<>();

    PublishBench(OrderPublisher publisher, KafkaClientService clients) {
        this.publisher = publisher;
        this.clients = clients;
    }

    public enum Path {
        RAW, EMITTER
    }

    public record Run(Path path, Acks acks, SendStyle send, int count, int recordBytes, long acked, long failed,
            double seconds, double perSecond) {
    }

    public Run run(Path path, Acks acks, SendStyle send, int count, int recordBytes) throws InterruptedException {
        Order template = orderOfAbout(recordBytes);
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        if (path == Path.RAW) {
            raw(acks, send, template, count, acked, failed);
        } else {
            emitter(acks, send, template, count, acked, failed);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Run(path, acks, send, count, recordBytes, acked.get(), failed.get(), seconds, count / seconds);
    }

    private void raw(Acks acks, SendStyle send, Order template, int count, AtomicLong acked, AtomicLong failed)
            throws InterruptedException {
        KafkaProducer<String, Order> producer = rawProducers.computeIfAbsent(acks, this::rawProducer);
        String topic = "orders";
        if (send == SendStyle.SYNC) {
            for (int i = 0; i < count; i++) {
                Order order = numbered(template, i);
                try {
                    producer.send(new ProducerRecord<>(topic, order.customerId(), order)).get();
                    acked.incrementAndGet();
                } catch (ExecutionException e) {
                    failed.incrementAndGet();
                }
            }
            return;
        }
        CountDownLatch done = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            Order order = numbered(template, i);
            producer.send(new ProducerRecord<>(topic, order.customerId(), order), (metadata, error) -> {
                (error == null ? acked : failed).incrementAndGet();
                done.countDown();
            });
        }
        await(done);
    }

    private void emitter(Acks acks, SendStyle send, Order template, int count, AtomicLong acked, AtomicLong failed)
            throws InterruptedException {
        if (send == SendStyle.SYNC) {
            for (int i = 0; i < count; i++) {
                try {
                    publisher.publish(acks, SendStyle.SYNC, numbered(template, i)).toCompletableFuture().get();
                    acked.incrementAndGet();
                } catch (ExecutionException e) {
                    failed.incrementAndGet();
                }
            }
            return;
        }
        Semaphore inFlight = new Semaphore(EMITTER_IN_FLIGHT);
        CountDownLatch done = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            publisher.publish(acks, SendStyle.ASYNC, numbered(template, i)).whenComplete((delivery, error) -> {
                (error == null ? acked : failed).incrementAndGet();
                inFlight.release();
                done.countDown();
            });
        }
        await(done);
    }

    private KafkaProducer<String, Order> rawProducer(Acks acks) {
        String channel = "orders-acks-" + acks.value();
        Map<String, Object> config = new HashMap<>(clients.getProducer(channel).configuration());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-raw-" + channel);
        return new KafkaProducer<>(config);
    }

    private static void await(CountDownLatch done) throws InterruptedException {
        if (!done.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException(done.getCount() + " sends never completed");
        }
    }

    /** An order whose JSON form is about {@code bytes} long: the item name carries the padding. */
    static Order orderOfAbout(int bytes) {
        int overhead = "{'orderId':'bench-00000000','customerId':'customer-00','item':'','quantity':1,'unitPrice':9.99}"
                .length();
        return new Order("bench", "customer", "x".repeat(Math.max(1, bytes - overhead)), 1, new BigDecimal("9.99"));
    }

    /** Spreads the orders over 100 customers, hence over every partition, as real traffic would be. */
    private static Order numbered(Order template, int i) {
        return new Order("bench-%08d".formatted(i), "customer-%02d".formatted(i % 100), template.item(),
                template.quantity(), template.unitPrice());
    }

    @PreDestroy
    void close() {
        rawProducers.values().forEach(KafkaProducer::close);
    }
}
