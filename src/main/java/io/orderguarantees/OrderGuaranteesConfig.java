package io.orderguarantees;

import java.util.Map;
import java.util.Optional;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The service's own settings; Kafka client settings stay under {@code kafka.} and {@code mp.messaging.}. */
@ConfigMapping(prefix = "order-guarantees")
public interface OrderGuaranteesConfig {

    /** Names this instance's transactional producers; unique per running instance. */
    @NotBlank
    @Pattern(regexp = "[A-Za-z0-9._-]+",
            message = "letters, digits, '.', '_' and '-' only: it becomes part of a transactional.id")
    String instanceId();

    Intake intake();

    Billing billing();

    interface Intake {

        /**
         * How many orders this instance remembers by {@code orderId} (the idempotency window, also what
         * {@code GET /orders/{orderId}/delivery} answers from); beyond that the oldest is forgotten, so the window
         * never grows without bound. A retry of a forgotten order is published again.
         */
        @WithDefault("10000")
        @Min(1)
        int idempotencyWindowSize();

        /**
         * How long a sync send waits for the broker's acknowledgement before answering 503. Kept equal to the
         * producers' {@code delivery.timeout.ms}: the producer gives up then too.
         */
        @WithDefault("30000")
        @Min(1)
        long ackTimeoutMs();
    }

    interface Billing {

        /**
         * Injected faults per pipeline ({@code at-most-once}, {@code at-least-once}, {@code exactly-once}), honoured by
         * the lab build only ({@code billing.InjectedFaults}); the shipped jar refuses to start with one configured.
         */
        Map<String, Faults> faults();
    }

    interface Faults {

        /** Where the process halts: before-processing, after-processing-before-commit, after-commit-before-processing. */
        Optional<String> crashPoint();

        /** Halt when the Nth record reaches the crash point (counted from this process's start). */
        @WithDefault("1")
        @Min(1)
        int crashAfterRecords();

        /** Every order's first N billing attempts fail with a transient error (retried, then dead-lettered). */
        @WithDefault("0")
        @Min(0)
        int failingAttempts();

        /** The Nth record's processing stalls (0: none): to trip the throttled guard, or outlast a transaction. */
        @WithDefault("0")
        @Min(0)
        int stallAfterRecords();

        /** How long the stall lasts; 0 is for ever. */
        @WithDefault("0")
        @Min(0)
        long stallMs();
    }
}
