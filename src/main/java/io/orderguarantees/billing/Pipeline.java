package io.orderguarantees.billing;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The three billing pipelines: each has its consumer group (= channel) and its invoice topic. */
public enum Pipeline {
    /** Commits before processing: the only one with a moment after the commit and before the invoice. */
    AT_MOST_ONCE("at-most-once", CrashPoint.BEFORE_PROCESSING, CrashPoint.AFTER_COMMIT_BEFORE_PROCESSING),
    AT_LEAST_ONCE("at-least-once", CrashPoint.BEFORE_PROCESSING, CrashPoint.AFTER_PROCESSING_BEFORE_COMMIT),
    EXACTLY_ONCE("exactly-once", CrashPoint.BEFORE_PROCESSING, CrashPoint.AFTER_PROCESSING_BEFORE_COMMIT);

    private final String id;
    private final List<CrashPoint> crashPoints;

    Pipeline(String id, CrashPoint... crashPoints) {
        this.id = id;
        this.crashPoints = List.of(crashPoints);
    }

    /** The moments this pipeline has, where a crash can be injected. */
    public List<CrashPoint> crashPoints() {
        return crashPoints;
    }

    public String id() {
        return id;
    }

    /** The incoming channel, which is also the consumer group. */
    public String channel() {
        return "billing-" + id;
    }

    public String invoiceTopic() {
        return "invoices-" + id;
    }

    public static Optional<Pipeline> byId(String id) {
        return Arrays.stream(values()).filter(p -> p.id.equals(id)).findFirst();
    }
}
