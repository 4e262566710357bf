package io.orderguarantees.billing;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * One order record of a polled batch billed through its pipeline's invoice emitter (at-most-once, at-least-once):
 * its invoice or, when it can never be billed, its dead letter on the same channel; done once the broker has it. A
 * failure that may pass is tried again (BillingRetries) with no deadline of its own; any other fails the batch.
 */
@ApplicationScoped
class RecordInvoicing {

    /**
     * Invoices of one batch in flight at once: above {@code max.poll.records} (500), so a whole batch, which the
     * emitter's buffer (256) and the connector's {@code max-inflight-messages} (1,024) hold; the producer batches them.
     */
    static final int IN_FLIGHT = 512;

    private final OrderDecoder decoder;
    private final InvoiceCalculator calculator;
    private final Faults faults;
    private final BillingRetries retries;

    RecordInvoicing(OrderDecoder decoder, InvoiceCalculator calculator, Faults faults, BillingRetries retries) {
        this.decoder = decoder;
        this.calculator = calculator;
        this.faults = faults;
        this.retries = retries;
    }

    Uni<Void> bill(Pipeline pipeline, ConsumerRecord<String, String> record, MutinyEmitter<Object> invoices) {
        return faults.stall(pipeline)
                .map(ignored -> decoder.decode(record.topic(), record.partition(), record.offset(), record.key(),
                        record.value()))
                .chain(order -> retries.untilDone(pipeline, () -> calculator.invoice(order, record.partition(),
                        record.offset(), pipeline), null)
                        .chain(invoice -> invoices.sendMessage(KafkaRecord.of(order.customerId(), (Object) invoice))))
                .onFailure(PoisonRecordException.class).recoverWithUni(failure -> invoices.sendMessage(
                        Message.of((Object) record.value()).addMetadata(OutgoingKafkaRecordMetadata.<String> builder()
                                .withTopic(DeadLetters.TOPIC).withKey(record.key())
                                .withHeaders(DeadLetters.headers(record, failure)).build())));
    }
}
