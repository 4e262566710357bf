package io.orderguarantees.operate;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.subscription.Cancellable;

/**
 * Intake's event loops, the producers' callback threads and the billing threads all publish to the feed at once.
 * Reactive Streams wants one signal at a time (rule 1.3): every event published from many threads reaches a page that
 * keeps up exactly once.
 */
class DashboardEventsTest {

    private static final int THREADS = 8;
    private static final int EACH = 20_000;

    @Test
    void eventsPublishedFromManyThreadsAtOnceReachASubscriberExactlyOnce() throws Exception {
        DashboardEvents events = new DashboardEvents();
        ConcurrentHashMap<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        AtomicInteger overlapping = new AtomicInteger();
        AtomicInteger inside = new AtomicInteger();
        Cancellable page = events.stream().subscribe().with(event -> {
            if (inside.incrementAndGet() > 1) {
                overlapping.incrementAndGet();
            }
            seen.computeIfAbsent(event.orderId(), id -> new AtomicInteger()).incrementAndGet();
            inside.decrementAndGet();
        });
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> publishers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            publishers.add(threads.submit(() -> {
                start.await();
                for (int i = 0; i < EACH; i++) {
                    String orderId = "t" + thread + "-" + i;
                    events.publish(() -> DashboardEvent.invoice(orderId, "exactly-once", BigDecimal.ONE));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> publisher : publishers) {
            publisher.get(Duration.ofMinutes(1).toSeconds(), TimeUnit.SECONDS);
        }
        threads.shutdown();
        page.cancel();

        assertThat(overlapping.get()).as("signals delivered to the page at the same time").isZero();
        assertThat(seen).hasSize(THREADS * EACH);
        assertThat(seen.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
    }

    @Test
    void noEventIsBuiltWhileNoPageIsOpen() {
        DashboardEvents events = new DashboardEvents();
        AtomicInteger built = new AtomicInteger();
        Supplier<DashboardEvent> event = () -> {
            built.incrementAndGet();
            return DashboardEvent.invoice("o-1", "exactly-once", BigDecimal.ONE);
        };

        events.publish(event);
        Cancellable page = events.stream().subscribe().with(e -> {
        });
        events.publish(event);
        page.cancel();
        events.publish(event);

        assertThat(built.get()).as("events built: only while the page was open").isEqualTo(1);
    }
}
