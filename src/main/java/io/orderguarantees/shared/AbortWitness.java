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

    /**
     * Fails unless the producer has the metric this witness reads. Read as 0 when missing, a metric renamed by a
     * Kafka upgrade would turn the workaround off without a word; checked at start (see {@code AbortWitnessCheck}).
     */
    public static void requireOn(Producer<?, ?> producer, String channel) {
        abortTimeNanos(producer, channel);
    }

    private static double abortTimeNanos(Producer<?, ?> producer) {
        return abortTimeNanos(producer, "a transactional channel");
    }

    private static double abortTimeNanos(Producer<?, ?> producer, String channel) {
        return producer.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals(METRIC) && e.getKey().group().equals("producer-metrics"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .findFirst().orElseThrow(() -> new IllegalStateException("The producer of " + channel + " has no "
                        + "metric producer-metrics/" + METRIC + ": this Kafka client cannot tell an aborted "
                        + "transaction from a committed one, and the workaround for SmallRye's silent abort (see "
                        + "AbortWitness) would be off. Update AbortWitness for this Kafka version."));
    }
}
