package io.orderguarantees.billing;

import java.util.Arrays;
import java.util.Optional;

/** The three billing pipelines: each has its consumer group (= channel) and its invoice topic. */
public enum Pipeline {
    AT_MOST_ONCE("at-most-once"),
    AT_LEAST_ONCE("at-least-once"),
    EXACTLY_ONCE("exactly-once");

    private final String id;

    Pipeline(String id) {
        this.id = id;
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
