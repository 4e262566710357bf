package io.orderguarantees.operate;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;

/**
 * The live feed behind the dashboard: intake and billing publish here, every open page subscribes. Nothing is kept:
 * a page sees what happens while it is open, and nobody's slow page holds anything back (events a subscriber cannot
 * take are dropped for it). Event loops, producer callbacks and billing threads publish at once, and Reactive Streams
 * wants one signal at a time (rule 1.3): the processor is serialized.
 */
@Singleton
public class DashboardEvents {

    private final Flow.Processor<DashboardEvent, DashboardEvent> feed = BroadcastProcessor.<DashboardEvent> create()
            .serialized();
    /** Open pages: with none, nothing is built or signalled (the intake's hot path calls here once an order). */
    private final AtomicInteger watching = new AtomicInteger();

    public void publish(Supplier<DashboardEvent> event) {
        if (watching.get() > 0) {
            feed.onNext(event.get());
        }
    }

    Multi<DashboardEvent> stream() {
        return Multi.createFrom().publisher(feed).onOverflow().drop()
                .onSubscription().invoke(watching::incrementAndGet)
                .onTermination().invoke(watching::decrementAndGet);
    }
}
