package io.orderguarantees.ledger;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.TopicPartition;

import io.orderguarantees.shared.Order;

/**
 * Writes a polled batch into PostgreSQL in one transaction: the invoices, the refused duplicates, the rejected
 * records, and the offsets that say they are done. The batch's partitions' offset rows are locked first (in one
 * order, so two writers cannot deadlock); records below a row's {@code next_offset} were written by whoever moved
 * it there, and are skipped; the row only ever moves forward. Two instances that both believe they own a partition
 * (one paused past its session timeout, then resumed) are serialized by the lock, and neither bills what the other
 * did. An order id already in the ledger is a refused duplicate, not a second charge.
 */
@ApplicationScoped
public class Ledger {

    /** One record of a polled batch: an order, or the reason it can never be one. */
    public record Entry(String topic, int partition, long offset, Order order, String rejection, String value) {

        static Entry billable(String topic, int partition, long offset, Order order) {
            return new Entry(topic, partition, offset, order, null, null);
        }

        static Entry rejected(String topic, int partition, long offset, String reason, String value) {
            return new Entry(topic, partition, offset, null, reason, value);
        }

        BigDecimal amount() {
            return order.unitPrice().multiply(BigDecimal.valueOf(order.quantity()));
        }
    }

    /** What one batch did: invoices written, duplicates refused, records rejected, records already done. */
    public record Written(int invoices, int duplicates, int rejected, int alreadyDone, List<Entry> billed) {
    }

    private final DataSource dataSource;

    Ledger(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Written write(String group, List<Entry> batch) throws SQLException {
        Map<TopicPartition, List<Entry>> byPartition = new TreeMap<>(
                Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        batch.forEach(e -> byPartition.computeIfAbsent(new TopicPartition(e.topic(), e.partition()),
                tp -> new ArrayList<>()).add(e));
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Written written = write(connection, group, byPartition);
                connection.commit();
                return written;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private static Written write(Connection connection, String group, Map<TopicPartition, List<Entry>> byPartition)
            throws SQLException {
        int invoices = 0;
        int duplicates = 0;
        int rejected = 0;
        int alreadyDone = 0;
        List<Entry> billed = new ArrayList<>();
        for (var partition : byPartition.entrySet()) {
            long next = lockOffset(connection, group, partition.getKey());
            List<Entry> fresh = partition.getValue().stream().filter(e -> e.offset() >= next).toList();
            alreadyDone += partition.getValue().size() - fresh.size();
            if (fresh.isEmpty()) {
                continue;
            }
            List<Entry> orders = fresh.stream().filter(e -> e.order() != null).toList();
            List<Entry> refused = insertInvoices(connection, orders);
            insertDuplicates(connection, refused);
            List<Entry> bad = fresh.stream().filter(e -> e.order() == null).toList();
            insertRejected(connection, bad);
            Set<Entry> refusedHere = Collections.newSetFromMap(new IdentityHashMap<>());
            refusedHere.addAll(refused);
            List<Entry> newlyBilled = orders.stream().filter(e -> !refusedHere.contains(e)).toList();
            BigDecimal amount = newlyBilled.stream().map(Entry::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
            long after = fresh.get(fresh.size() - 1).offset() + 1;
            try (PreparedStatement update = connection.prepareStatement("UPDATE ledger_offsets SET next_offset = ?, "
                    + "invoices = invoices + ?, amount = amount + ?, duplicates = duplicates + ?, "
                    + "rejected = rejected + ?, updated_at = now() "
                    + "WHERE consumer_group = ? AND topic = ? AND partition = ? AND next_offset <= ?")) {
                update.setLong(1, after);
                update.setLong(2, newlyBilled.size());
                update.setBigDecimal(3, amount);
                update.setLong(4, refused.size());
                update.setLong(5, bad.size());
                update.setString(6, group);
                update.setString(7, partition.getKey().topic());
                update.setInt(8, partition.getKey().partition());
                update.setLong(9, after);
                if (update.executeUpdate() != 1) {
                    throw new IllegalStateException("the offset row of " + partition.getKey() + " moved while locked");
                }
            }
            invoices += newlyBilled.size();
            duplicates += refused.size();
            rejected += bad.size();
            billed.addAll(newlyBilled);
        }
        return new Written(invoices, duplicates, rejected, alreadyDone, billed);
    }

    /** Creates the partition's row if new, locks it until the transaction ends, and returns its next offset. */
    private static long lockOffset(Connection connection, String group, TopicPartition partition) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO ledger_offsets "
                + "(consumer_group, topic, partition, next_offset) VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING");
                PreparedStatement lock = connection.prepareStatement("SELECT next_offset FROM ledger_offsets "
                        + "WHERE consumer_group = ? AND topic = ? AND partition = ? FOR UPDATE")) {
            for (PreparedStatement statement : List.of(insert, lock)) {
                statement.setString(1, group);
                statement.setString(2, partition.topic());
                statement.setInt(3, partition.partition());
            }
            insert.executeUpdate();
            try (ResultSet row = lock.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** Inserts the invoices; returns the entries refused because their order id is already in the ledger. */
    private static List<Entry> insertInvoices(Connection connection, List<Entry> orders) throws SQLException {
        if (orders.isEmpty()) {
            return List.of();
        }
        // One batch may hold the same order twice: only its first record can be billed.
        Map<String, Entry> first = new LinkedHashMap<>();
        List<Entry> refused = new ArrayList<>();
        orders.forEach(e -> {
            if (first.putIfAbsent(e.order().orderId(), e) != null) {
                refused.add(e);
            }
        });
        List<Entry> candidates = new ArrayList<>(first.values());
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO ledger_invoices "
                + "(order_id, customer_id, amount, topic, partition, \"offset\") VALUES (?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (order_id) DO NOTHING")) {
            for (Entry e : candidates) {
                insert.setString(1, e.order().orderId());
                insert.setString(2, e.order().customerId());
                insert.setBigDecimal(3, e.amount());
                insert.setString(4, e.topic());
                insert.setInt(5, e.partition());
                insert.setLong(6, e.offset());
                insert.addBatch();
            }
            int[] inserted = insert.executeBatch();
            for (int i = 0; i < inserted.length; i++) {
                if (inserted[i] == 0) {
                    refused.add(candidates.get(i));
                }
            }
        }
        refused.sort(Comparator.comparingLong(Entry::offset));
        return refused;
    }

    private static void insertDuplicates(Connection connection, List<Entry> refused) throws SQLException {
        if (refused.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO ledger_duplicates "
                + "(topic, partition, \"offset\", order_id, customer_id, amount) VALUES (?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT DO NOTHING")) {
            for (Entry e : refused) {
                insert.setString(1, e.topic());
                insert.setInt(2, e.partition());
                insert.setLong(3, e.offset());
                insert.setString(4, e.order().orderId());
                insert.setString(5, e.order().customerId());
                insert.setBigDecimal(6, e.amount());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void insertRejected(Connection connection, List<Entry> bad) throws SQLException {
        if (bad.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO ledger_rejected "
                + "(topic, partition, \"offset\", reason, value) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (Entry e : bad) {
                insert.setString(1, e.topic());
                insert.setInt(2, e.partition());
                insert.setLong(3, e.offset());
                insert.setString(4, e.rejection());
                // PostgreSQL text cannot hold NUL
                insert.setString(5, e.value() == null ? null : e.value().replace("\u0000", ""));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** The stored next offsets of these partitions, for the consumer to seek to on assignment. */
    public Map<TopicPartition, Long> nextOffsets(String group, List<TopicPartition> partitions) throws SQLException {
        Map<TopicPartition, Long> next = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT next_offset FROM ledger_offsets "
                        + "WHERE consumer_group = ? AND topic = ? AND partition = ?")) {
            for (TopicPartition partition : partitions) {
                select.setString(1, group);
                select.setString(2, partition.topic());
                select.setInt(3, partition.partition());
                try (ResultSet row = select.executeQuery()) {
                    if (row.next()) {
                        next.put(partition, row.getLong(1));
                    }
                }
            }
        }
        return next;
    }
}
