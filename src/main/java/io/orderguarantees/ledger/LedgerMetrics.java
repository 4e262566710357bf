package io.orderguarantees.ledger;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the ledger's transactions committed: {@code billing.invoices.written}, {@code ledger.duplicates.refused} and
 * {@code ledger.records.rejected}, tagged {@code pipeline=ledger} like the topic pipelines' counters.
 */
@Singleton
public class LedgerMetrics {

    private final Counter invoices;
    private final Counter duplicates;
    private final Counter rejected;

    LedgerMetrics(MeterRegistry registry) {
        invoices = registry.counter("billing.invoices.written", "pipeline", LedgerBilling.PIPELINE);
        duplicates = registry.counter("ledger.duplicates.refused", "pipeline", LedgerBilling.PIPELINE);
        rejected = registry.counter("ledger.records.rejected", "pipeline", LedgerBilling.PIPELINE);
    }

    void written(Ledger.Written written) {
        invoices.increment(written.invoices());
        duplicates.increment(written.duplicates());
        rejected.increment(written.rejected());
    }
}
