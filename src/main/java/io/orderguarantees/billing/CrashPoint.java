package io.orderguarantees.billing;

import java.util.Arrays;

/** Where a pipeline can be made to crash, to show what Kafka keeps when the process dies right there. */
public enum CrashPoint {
    /** The record was received; nothing was done with it. */
    BEFORE_PROCESSING("before-processing"),
    /** The invoice is written (inside the open transaction, for exactly-once); the offset is not committed. */
    AFTER_PROCESSING_BEFORE_COMMIT("after-processing-before-commit"),
    /** The offset is committed; the invoice is not written. Only at-most-once has this moment. */
    AFTER_COMMIT_BEFORE_PROCESSING("after-commit-before-processing");

    private final String id;

    CrashPoint(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    static CrashPoint byId(String id) {
        return Arrays.stream(values()).filter(p -> p.id.equals(id)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("unknown crash point '" + id + "': use before-processing, "
                        + "after-processing-before-commit or after-commit-before-processing"));
    }
}
