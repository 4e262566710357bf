package io.orderguarantees.billing;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.TopicPartition;

import io.orderguarantees.shared.Jdbc;
import io.orderguarantees.shared.StoredOffsets;

/**
 * Writes a polled batch of the audit group into PostgreSQL in one transaction: each invoice and dead letter once, by
 * its coordinates, the per-order invoice counts that tell duplicates apart, and the offsets with the partitions'
 * running totals ({@link StoredOffsets}: locked, skipped below, moved only forward).
 */
@ApplicationScoped
public class AuditStore {

    static final StoredOffsets OFFSETS = new StoredOffsets("audit_offsets");

    /** One record of the audited topics: an invoice, a dead letter, or neither (unreadable). */
    record Entry(String topic, int partition, long offset, Invoice invoice, BillingAudit.DeadLetter deadLetter) {
    }

    private final DataSource dataSource;

    AuditStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void write(String group, List<Entry> batch) throws SQLException {
        Jdbc.inTransaction(dataSource, connection -> {
            for (var partition : StoredOffsets.byPartition(batch,
                    e -> new TopicPartition(e.topic(), e.partition())).entrySet()) {
                write(connection, group, partition.getKey(), partition.getValue());
            }
            return null;
        });
    }

    private static void write(Connection connection, String group, TopicPartition partition, List<Entry> records)
            throws SQLException {
        long next = OFFSETS.lock(connection, group, partition);
        List<Entry> fresh = records.stream().filter(e -> e.offset() >= next).toList();
        if (fresh.isEmpty()) {
            return;
        }
        List<Entry> invoices = fresh.stream().filter(e -> e.invoice() != null).toList();
        List<Entry> deadLetters = fresh.stream().filter(e -> e.deadLetter() != null).toList();
        insertInvoices(connection, invoices);
        long newOrders = countOrders(connection, partition.topic(), invoices);
        insertDeadLetters(connection, deadLetters);
        BigDecimal amount = invoices.stream().map(e -> e.invoice().amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
        long after = fresh.get(fresh.size() - 1).offset() + 1;
        try (PreparedStatement update = connection.prepareStatement("UPDATE audit_offsets SET next_offset = ?, "
                + "invoices = invoices + ?, duplicates = duplicates + ?, amount = amount + ?, "
                + "dead_letters = dead_letters + ?, unreadable = unreadable + ?, updated_at = now() "
                + "WHERE consumer_group = ? AND topic = ? AND partition = ? AND next_offset <= ?")) {
            update.setLong(1, after);
            update.setLong(2, invoices.size());
            update.setLong(3, invoices.size() - newOrders);
            update.setBigDecimal(4, amount);
            update.setLong(5, deadLetters.size());
            update.setLong(6, fresh.size() - invoices.size() - deadLetters.size());
            update.setString(7, group);
            update.setString(8, partition.topic());
            update.setInt(9, partition.partition());
            update.setLong(10, after);
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("the audit offset row of " + partition + " moved while locked");
            }
        }
    }

    private static void insertInvoices(Connection connection, List<Entry> invoices) throws SQLException {
        if (invoices.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_invoices (topic, partition, "
                + "\"offset\", order_id, customer_id, amount, order_partition, order_offset) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (Entry e : invoices) {
                insert.setString(1, e.topic());
                insert.setInt(2, e.partition());
                insert.setLong(3, e.offset());
                insert.setString(4, text(e.invoice().orderId()));
                insert.setString(5, text(e.invoice().customerId()));
                insert.setBigDecimal(6, e.invoice().amount());
                insert.setInt(7, e.invoice().partition());
                insert.setLong(8, e.invoice().offset());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /**
     * Adds the batch's invoices to their orders' counts; returns how many of the orders had none before in this topic.
     * One statement for the whole batch: an order's count after the upsert equals the batch's own invoices of it
     * exactly when the order is new.
     */
    private static long countOrders(Connection connection, String topic, List<Entry> invoices) throws SQLException {
        if (invoices.isEmpty()) {
            return 0;
        }
        Map<String, Integer> perOrder = new LinkedHashMap<>();
        invoices.forEach(e -> perOrder.merge(text(e.invoice().orderId()), 1, Integer::sum));
        List<String> ids = new ArrayList<>(perOrder.keySet());
        // sorted: every writer locks the rows in one order
        ids.sort(null);
        Array orderIds = connection.createArrayOf("text", ids.toArray());
        Array counts = connection.createArrayOf("int4", ids.stream().map(perOrder::get).toArray());
        try (PreparedStatement upsert = connection.prepareStatement("WITH batch(order_id, n) AS "
                + "(SELECT * FROM unnest(?::text[], ?::int4[])), "
                + "up AS (INSERT INTO audit_orders AS o (topic, order_id, invoices) "
                + "SELECT ?, order_id, n FROM batch ORDER BY order_id "
                + "ON CONFLICT (topic, order_id) DO UPDATE SET invoices = o.invoices + EXCLUDED.invoices "
                + "RETURNING o.order_id, o.invoices) "
                + "SELECT count(*) FROM up JOIN batch USING (order_id) WHERE up.invoices = batch.n")) {
            upsert.setArray(1, orderIds);
            upsert.setArray(2, counts);
            upsert.setString(3, topic);
            try (ResultSet row = upsert.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static void insertDeadLetters(Connection connection, List<Entry> deadLetters) throws SQLException {
        if (deadLetters.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_dead_letters (topic, "
                + "partition, \"offset\", key, value, reason, source_topic, source_partition, source_offset) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (Entry e : deadLetters) {
                BillingAudit.DeadLetter letter = e.deadLetter();
                insert.setString(1, e.topic());
                insert.setInt(2, e.partition());
                insert.setLong(3, e.offset());
                insert.setString(4, text(letter.key()));
                insert.setString(5, text(letter.value()));
                insert.setString(6, text(letter.reason()));
                insert.setString(7, text(letter.sourceTopic()));
                insert.setObject(8, letter.sourcePartition(), java.sql.Types.INTEGER);
                insert.setObject(9, letter.sourceOffset(), java.sql.Types.BIGINT);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** PostgreSQL text cannot hold NUL. */
    private static String text(String value) {
        return value == null ? null : value.replace("\u0000", "");
    }
}
