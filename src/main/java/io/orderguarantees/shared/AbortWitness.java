package io.orderguarantees.shared;

import org.apache.kafka.clients.producer.Producer;

/**
 * Tells whether a transactional producer aborted since this witness was taken. SmallRye 4.33's
 * {@code KafkaTransactionsImpl} answers a failed commit with an abort and, when the abort succeeds, completes
 * {@code withTransaction} as if the commit had succeeded; the producer's {@code txn-abort-time-ns-total} metric,
 * which only {@code abortTransaction()} moves, is the one witness left. Valid while one transaction at a time
 * runs on the producer, which SmallRye enforces.
 */
public final class AbortWitness {

    private static final String METRIC = "txn-abort-time-ns-total";

    private final Producer<?, ?> producer;
    private final double before;

    private AbortWitness(Producer<?, ?> producer) {
        this.producer = producer;
        this.before = abortTimeNanos(producer);
    }

    public static AbortWitness of(Producer<?, ?> producer) {
        return new AbortWitness(producer);
    }

    public boolean aborted() {
        return abortTimeNanos(producer) != before;
    }

    private static double abortTimeNanos(Producer<?, ?> producer) {
        return producer.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals(METRIC) && e.getKey().group().equals("producer-metrics"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .findFirst().orElse(0);
    }
}
