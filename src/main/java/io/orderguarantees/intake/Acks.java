package io.orderguarantees.intake;

import com.fasterxml.jackson.annotation.JsonValue;

/** The producer acknowledgement setting an order is published with; each has its own Emitter channel. */
public enum Acks {
    /** The producer does not wait for the broker: no offset, no error, no guarantee. */
    ZERO("0"),
    /** The partition leader has written the record; its followers may not have it yet. */
    ONE("1"),
    /** Every in-sync replica has the record (idempotent producer): survives the loss of the leader. */
    ALL("all");

    private final String value;

    Acks(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    /** Used by JAX-RS for {@code ?acks=}; an unknown value is a 400 naming the parameter. */
    public static Acks fromString(String value) {
        return QueryValues.parse("acks", value, values(), Acks::value);
    }
}
