package io.orderguarantees.billing;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderguarantees.operate.DashboardEvent;
import io.quarkus.runtime.Startup;

/**
 * {@code billing.invoices.written} (counter per pipeline: invoices the broker acknowledged, for exactly-once inside
 * transactions that may still abort), and, from the audit of the invoice topics as a read_committed consumer sees
 * them, {@code billing.invoices} and {@code billing.duplicates} (gauges per pipeline) and
 * {@code billing.dead.letters}. The audit's totals are read at most once per {@value #AUDIT_EVERY_SECONDS} s, whatever
 * the scrape interval, and a failed read keeps the last values.
 */
@Startup
@Singleton
public class BillingMetrics {

    private static final Logger LOG = Logger.getLogger(BillingMetrics.class);
    private static final long AUDIT_EVERY_SECONDS = 1;

    private record Audit(long at, Map<Pipeline, BillingAudit.Summary> summaries, long deadLetters) {
    }

    private final BillingAudit audit;
    /** {@code billing.invoices.written}, registered once: looked up per invoice it was a share of billing's CPU. */
    private final Map<Pipeline, Counter> written = new EnumMap<>(Pipeline.class);
    private volatile Audit last = new Audit(0, Map.of(), 0);

    BillingMetrics(MeterRegistry registry, BillingAudit audit) {
        this.audit = audit;
        for (Pipeline pipeline : Pipeline.values()) {
            written.put(pipeline, registry.counter("billing.invoices.written", "pipeline", pipeline.id()));
            Gauge.builder("billing.invoices", this, m -> m.audited().summaries().containsKey(pipeline)
                    ? m.audited().summaries().get(pipeline).invoices() : Double.NaN)
                    .description("Invoices a read_committed consumer sees").tag("pipeline", pipeline.id())
                    .register(registry);
            Gauge.builder("billing.duplicates", this, m -> m.audited().summaries().containsKey(pipeline)
                    ? m.audited().summaries().get(pipeline).duplicates() : Double.NaN)
                    .description("Invoices beyond the first for one order").tag("pipeline", pipeline.id())
                    .register(registry);
        }
        Gauge.builder("billing.dead.letters", this, m -> m.audited().deadLetters())
                .description("Records in the dead-letter topic").register(registry);
    }

    void invoiceWritten(Pipeline pipeline) {
        written.get(pipeline).increment();
    }

    /** The audit's latest totals, as the dashboard shows them. */
    public DashboardEvent totals() {
        Audit audit = audited();
        return DashboardEvent.billing(audit.summaries().values().stream().map(s -> new DashboardEvent.PipelineTotals(
                s.pipeline(), s.invoices(), s.distinctOrders(), s.duplicates())).toList(), (int) audit.deadLetters());
    }

    private synchronized Audit audited() {
        if (System.nanoTime() - last.at() < Duration.ofSeconds(AUDIT_EVERY_SECONDS).toNanos() && last.at() != 0) {
            return last;
        }
        try {
            last = new Audit(System.nanoTime(), audit.summaries(), audit.deadLetterCount());
        } catch (java.sql.SQLException | RuntimeException e) {
            LOG.warnf("billing audit for metrics failed, keeping the last values: %s", e.toString());
            last = new Audit(System.nanoTime(), last.summaries(), last.deadLetters());
        }
        return last;
    }
}
