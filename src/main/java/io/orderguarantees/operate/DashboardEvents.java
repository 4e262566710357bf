package io.orderguarantees.operate;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;

/**
 * The live feed behind the dashboard: intake and billing publish here, every open page subscribes. Nothing is kept:
 * a page sees what happens while it is open, and nobody's slow page holds anything back (events a subscriber cannot
 * take are dropped for it).
 */
@Singleton
public class DashboardEvents {

    private final BroadcastProcessor<DashboardEvent> feed = BroadcastProcessor.create();

    public void publish(DashboardEvent event) {
        feed.onNext(event);
    }

    Multi<DashboardEvent> stream() {
        return feed.onOverflow().drop();
    }
}
