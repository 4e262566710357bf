package io.orderguarantees.operate;

import java.time.Duration;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

import io.micrometer.core.instrument.MeterRegistry;
import io.orderguarantees.billing.BillingMetrics;
import io.orderguarantees.shared.Roles;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/** {@code GET /events}: Server-Sent Events for the dashboard page at {@code /}. */
@Path("/events")
@Tag(name = "dashboard", description = "The live feed of the page at /")
@RolesAllowed(Roles.OPERATOR)
public class DashboardResource {

    /** How often the billing totals are sent; the audit behind them is refreshed at most every 15 s. */
    private static final Duration TOTALS_EVERY = Duration.ofSeconds(3);
    /** How often each pipeline's rate and lag are sent, for the page's small charts. */
    private static final Duration PACE_EVERY = Duration.ofSeconds(1);

    private final DashboardEvents events;
    private final BillingMetrics billing;
    private final MeterRegistry registry;

    DashboardResource(DashboardEvents events, BillingMetrics billing, MeterRegistry registry) {
        this.events = events;
        this.billing = billing;
        this.registry = registry;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Order outcomes, invoices and billing totals as they happen")
    public Multi<DashboardEvent> events() {
        // The audit behind the totals reads topics, and blocks: on a worker thread, and never ahead of the feed.
        Multi<DashboardEvent> totals = Multi.createFrom().ticks().startingAfter(Duration.ofMillis(500))
                .every(TOTALS_EVERY).onOverflow().drop()
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(tick -> billing.totals());
        // Each page its own pace: the rates are taken between its own samples.
        Multi<DashboardEvent> pace = Multi.createFrom().deferred(() -> {
            BillingPace meter = new BillingPace(registry);
            return Multi.createFrom().ticks().every(PACE_EVERY).onOverflow().drop().map(tick -> meter.sample());
        });
        // A first event at once, so that the page knows it is connected before anything happens.
        return Multi.createBy().concatenating().streams(Multi.createFrom().item(DashboardEvent.connected()),
                Multi.createBy().merging().streams(events.stream(), totals, pace));
    }
}
