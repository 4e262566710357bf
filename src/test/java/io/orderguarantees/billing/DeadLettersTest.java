package io.orderguarantees.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;


/**
 * A dead letter must be buildable for any failure: exactly-once and at-most-once commit a record's offset once its
 * invoice or its dead letter is written, so a failure while building the dead letter once left a record with
 * neither (an exception without a message made the reason header null).
 */
class DeadLettersTest {

    private static final ConsumerRecord<String, String> SOURCE = new ConsumerRecord<>("orders", 2, 41L, "1001",
            "not an order");

    @Test
    void aFailureWithoutAMessageIsNamedByItsClass() {
        Headers headers = DeadLetters.headers(SOURCE, new NullPointerException());

        assertThat(value(headers, DeadLetters.REASON)).isEqualTo(NullPointerException.class.getName());
        assertThat(value(headers, DeadLetters.EXCEPTION)).isEqualTo(NullPointerException.class.getName());
    }

    @Test
    void theHeadersNameTheSourceRecordAsSmallRyesDeadLetterStrategyDoes() {
        Headers headers = DeadLetters.headers(SOURCE, new PoisonRecordException("empty value"));

        assertThat(value(headers, DeadLetters.REASON)).isEqualTo("empty value");
        assertThat(value(headers, DeadLetters.SOURCE_TOPIC)).isEqualTo("orders");
        assertThat(value(headers, DeadLetters.SOURCE_PARTITION)).isEqualTo("2");
        assertThat(value(headers, DeadLetters.SOURCE_OFFSET)).isEqualTo("41");
    }

    private static String value(Headers headers, String key) {
        return new String(headers.lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
