package io.orderguarantees.intake;

import com.fasterxml.jackson.annotation.JsonValue;

/** How the HTTP caller waits for the broker. */
public enum SendStyle {
    /** Handed to the producer, answered 202 at once, never tracked. */
    FIRE_AND_FORGET("fire-and-forget"),
    /** Answered 201 once the broker acknowledged, with the record's partition and offset. */
    SYNC("sync"),
    /** Answered 202 at once; the completion callback records the outcome under {@code /orders/{id}/delivery}. */
    ASYNC("async");

    private final String value;

    SendStyle(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    /** Used by JAX-RS for {@code ?send=}; an unknown value is a 400 naming the parameter. */
    public static SendStyle fromString(String value) {
        return QueryValues.parse("send", value, values(), SendStyle::value);
    }
}
