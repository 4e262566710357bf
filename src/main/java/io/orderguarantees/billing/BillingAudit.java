package io.orderguarantees.billing;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What each pipeline really billed, read back from its invoice topic, and what went to the dead-letter topic. */
@ApplicationScoped
public class BillingAudit {

    public record Summary(String pipeline, long invoices, long distinctOrders, long duplicates, BigDecimal totalAmount) {
    }

    public record DeadLetter(int partition, long offset, String key, String value, String reason, String sourceTopic,
            Integer sourcePartition, Long sourceOffset) {
    }

    private final TopicReader reader;
    private final ObjectMapper json;

    BillingAudit(TopicReader reader, ObjectMapper json) {
        this.reader = reader;
        this.json = json;
    }

    public List<Invoice> invoices(Pipeline pipeline, Optional<String> customerId) {
        return reader.readCommitted(pipeline.invoiceTopic()).stream().map(this::invoice)
                .filter(i -> customerId.map(i.customerId()::equals).orElse(true))
                .toList();
    }

    public Summary summary(Pipeline pipeline) {
        List<Invoice> invoices = invoices(pipeline, Optional.empty());
        long distinct = invoices.stream().map(Invoice::orderId).distinct().count();
        BigDecimal total = invoices.stream().map(Invoice::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        return new Summary(pipeline.id(), invoices.size(), distinct, invoices.size() - distinct, total);
    }

    public List<DeadLetter> deadLetters() {
        return reader.readCommitted(DeadLetters.TOPIC).stream().map(r -> new DeadLetter(r.partition(), r.offset(),
                r.key(), r.value(), header(r, DeadLetters.REASON), header(r, DeadLetters.SOURCE_TOPIC),
                Optional.ofNullable(header(r, DeadLetters.SOURCE_PARTITION)).map(Integer::valueOf).orElse(null),
                Optional.ofNullable(header(r, DeadLetters.SOURCE_OFFSET)).map(Long::valueOf).orElse(null)))
                .toList();
    }

    private Invoice invoice(ConsumerRecord<String, String> record) {
        try {
            return json.readValue(record.value(), Invoice.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("invoice at " + record.topic() + "-" + record.partition() + "@"
                    + record.offset() + " is not an invoice: " + e.getOriginalMessage(), e);
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
