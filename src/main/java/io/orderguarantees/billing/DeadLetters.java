package io.orderguarantees.billing;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The dead-letter topic of every pipeline, {@code orders-dlq}. Its headers are the ones SmallRye's
 * {@code dead-letter-queue} failure strategy writes, so that every dead letter reads the same whichever pipeline
 * wrote it.
 */
final class DeadLetters {

    static final String TOPIC = "orders-dlq";
    static final String REASON = "dead-letter-reason";
    static final String SOURCE_TOPIC = "dead-letter-topic";
    static final String SOURCE_PARTITION = "dead-letter-partition";
    static final String SOURCE_OFFSET = "dead-letter-offset";
    static final String EXCEPTION = "dead-letter-exception-class-name";

    private DeadLetters() {
    }

    static Headers headers(ConsumerRecord<?, ?> record, Throwable reason) {
        RecordHeaders headers = new RecordHeaders();
        add(headers, EXCEPTION, reason.getClass().getName());
        // Many exceptions have no message (a bare NullPointerException): the reason is then the class name, rather
        // than a failure while the dead letter is built that would leave the record with nothing written.
        add(headers, REASON, reason.getMessage() != null ? reason.getMessage() : reason.getClass().getName());
        add(headers, SOURCE_TOPIC, record.topic());
        add(headers, SOURCE_PARTITION, Integer.toString(record.partition()));
        add(headers, SOURCE_OFFSET, Long.toString(record.offset()));
        return headers;
    }

    private static void add(Headers headers, String key, String value) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
