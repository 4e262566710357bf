package io.orderguarantees.operate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One page's view of how fast each pipeline bills, sampled once a second from meters the service keeps anyway: the
 * invoices written ({@code billing.invoices.written}, per pipeline) since the previous sample, and the consumer's lag,
 * the sum over its partitions of Kafka's own {@code records-lag} (the records between its position and the end of
 * the log). A pipeline switched off has neither: its rate is 0 and its lag unknown.
 */
final class BillingPace {

    private static final List<String> PIPELINES = List.of("at-most-once", "at-least-once", "exactly-once", "ledger");

    private final MeterRegistry registry;
    private final Map<String, Double> written = new HashMap<>();
    private long sampledAt = System.nanoTime();

    BillingPace(MeterRegistry registry) {
        this.registry = registry;
        PIPELINES.forEach(pipeline -> written.put(pipeline, written(pipeline)));
    }

    DashboardEvent sample() {
        long now = System.nanoTime();
        double seconds = Math.max((now - sampledAt) / 1e9, 0.001);
        sampledAt = now;
        List<DashboardEvent.PipelinePace> pace = new ArrayList<>();
        for (String pipeline : PIPELINES) {
            double total = written(pipeline);
            double before = written.put(pipeline, total);
            pace.add(new DashboardEvent.PipelinePace(pipeline, Math.max(0, total - before) / seconds, lag(pipeline)));
        }
        return DashboardEvent.pace(pace);
    }

    private double written(String pipeline) {
        Counter counter = registry.find("billing.invoices.written").tag("pipeline", pipeline).counter();
        return counter == null ? 0 : counter.count();
    }

    /**
     * The sum of the consumer's per-partition {@code records-lag}; until Micrometer has bound those (it looks for new
     * client metrics about once a minute), the consumer's {@code records-lag-max}.
     */
    private Long lag(String pipeline) {
        String client = "kafka-consumer-billing-" + pipeline;
        Double perPartition = sum("kafka.consumer.fetch.manager.records.lag", client);
        Double max = perPartition == null ? sum("kafka.consumer.fetch.manager.records.lag.max", client) : perPartition;
        return max == null ? null : Math.round(max);
    }

    /** The sum of the named gauges of one client (whatever its tag is called), or null if none has a value. */
    private Double sum(String name, String client) {
        double sum = 0;
        boolean known = false;
        for (Gauge gauge : registry.find(name).gauges()) {
            double value = gauge.value();
            if (!Double.isNaN(value) && gauge.getId().getTags().stream().anyMatch(t -> t.getValue().equals(client))) {
                sum += value;
                known = true;
            }
        }
        return known ? sum : null;
    }
}
