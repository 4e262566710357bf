package io.orderguarantees.billing;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;

/**
 * What each pipeline billed, and what went to the dead-letter topic, as the audit group copied them from the topics
 * ({@link AuditMaterializer}): a summary adds up per-partition totals, so its cost grows with partitions, not with
 * invoices; lists are bounded pages. It trails the topics by about one poll.
 */
@ApplicationScoped
public class BillingAudit {

    public record Summary(String pipeline, long invoices, long distinctOrders, long duplicates,
            BigDecimal totalAmount) {
    }

    public record DeadLetter(int partition, long offset, String key, String value, String reason, String sourceTopic,
            Integer sourcePartition, Long sourceOffset) {
    }

    private final DataSource dataSource;
    private final Map<Pipeline, String> topics = new EnumMap<>(Pipeline.class);

    BillingAudit(DataSource dataSource, Config config) {
        this.dataSource = dataSource;
        for (Pipeline pipeline : Pipeline.values()) {
            topics.put(pipeline, config.getOptionalValue("mp.messaging.outgoing.invoices-" + pipeline.id() + ".topic",
                    String.class).orElse(pipeline.invoiceTopic()));
        }
    }

    /** A page of a list, and where the next one starts when there may be one (the page is full). */
    public record Page<T>(List<T> items, Optional<Position> next) {
    }

    /**
     * A pipeline's invoices in the order they were written, {@code limit} at most, after {@code partition:offset} of
     * the invoice topic (an invoice's own {@code partition} and {@code offset} are its order's, on {@code orders}).
     */
    public Page<Invoice> invoices(Pipeline pipeline, Optional<String> customerId, Optional<Position> after, int limit)
            throws SQLException {
        String sql = "SELECT order_id, customer_id, amount, order_partition, order_offset, partition, \"offset\" "
                + "FROM audit_invoices "
                + "WHERE topic = ?" + (customerId.isPresent() ? " AND customer_id = ?" : "")
                + " AND (partition, \"offset\") > (?, ?) ORDER BY partition, \"offset\" LIMIT ?";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            int i = 1;
            select.setString(i++, topics.get(pipeline));
            if (customerId.isPresent()) {
                select.setString(i++, customerId.get());
            }
            Position from = after.orElse(Position.START);
            select.setInt(i++, from.partition());
            select.setLong(i++, from.offset());
            select.setInt(i, limit);
            List<Invoice> invoices = new ArrayList<>();
            Position last = null;
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    invoices.add(new Invoice(rows.getString(1), rows.getString(2), rows.getBigDecimal(3),
                            rows.getInt(4), rows.getLong(5), pipeline.id()));
                    last = new Position(rows.getInt(6), rows.getLong(7));
                }
            }
            return new Page<>(invoices, invoices.size() == limit ? Optional.of(last) : Optional.empty());
        }
    }

    public Summary summary(Pipeline pipeline) throws SQLException {
        return summaries().get(pipeline);
    }

    /** Every pipeline's summary, from one query over the per-partition totals. */
    public Map<Pipeline, Summary> summaries() throws SQLException {
        Map<Pipeline, Summary> summaries = new EnumMap<>(Pipeline.class);
        topics.keySet().forEach(pipeline -> summaries.put(pipeline, new Summary(pipeline.id(), 0, 0, 0,
                BigDecimal.ZERO)));
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT topic, sum(invoices), "
                        + "sum(duplicates), sum(amount) FROM audit_offsets WHERE consumer_group = ? GROUP BY topic")) {
            select.setString(1, AuditMaterializer.CHANNEL);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long invoices = rows.getLong(2);
                    long duplicates = rows.getLong(3);
                    for (Map.Entry<Pipeline, String> topic : topics.entrySet()) {
                        if (topic.getValue().equals(rows.getString(1))) {
                            summaries.put(topic.getKey(), new Summary(topic.getKey().id(), invoices,
                                    invoices - duplicates, duplicates, rows.getBigDecimal(4)));
                        }
                    }
                }
            }
        }
        return summaries;
    }

    public long deadLetterCount() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT coalesce(sum(dead_letters), 0) "
                        + "FROM audit_offsets WHERE consumer_group = ? AND topic = ?")) {
            select.setString(1, AuditMaterializer.CHANNEL);
            select.setString(2, DeadLetters.TOPIC);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** The dead letters in the order they were written, {@code limit} at most, after {@code partition:offset}. */
    public Page<DeadLetter> deadLetters(Optional<Position> after, int limit) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT partition, \"offset\", key, value, "
                        + "reason, source_topic, source_partition, source_offset FROM audit_dead_letters "
                        + "WHERE topic = ? AND (partition, \"offset\") > (?, ?) "
                        + "ORDER BY partition, \"offset\" LIMIT ?")) {
            Position from = after.orElse(Position.START);
            select.setString(1, DeadLetters.TOPIC);
            select.setInt(2, from.partition());
            select.setLong(3, from.offset());
            select.setInt(4, limit);
            List<DeadLetter> letters = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    letters.add(new DeadLetter(rows.getInt(1), rows.getLong(2), rows.getString(3), rows.getString(4),
                            rows.getString(5), rows.getString(6), (Integer) rows.getObject(7),
                            (Long) rows.getObject(8)));
                }
            }
            return new Page<>(letters, letters.size() == limit
                    ? Optional.of(new Position(letters.get(limit - 1).partition(), letters.get(limit - 1).offset()))
                    : Optional.empty());
        }
    }

    /** Where a page ends in a topic: the next page starts after it ({@code partition:offset}). */
    public record Position(int partition, long offset) {

        static final Position START = new Position(-1, -1);

        @Override
        public String toString() {
            return partition + ":" + offset;
        }

        public static Position parse(String text) {
            String[] parts = text.split(":");
            if (parts.length != 2) {
                throw new IllegalArgumentException("not partition:offset");
            }
            return new Position(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
        }
    }
}
