package io.orderguarantees.ledger;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import org.apache.kafka.common.TopicPartition;

import io.orderguarantees.shared.Jdbc;
import io.orderguarantees.shared.Order;
import io.orderguarantees.shared.StoredOffsets;

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

        /**
         * At the ledger's scale, 4: the intake's limits allow no more decimals, only a longer way to write them (a
         * price of 0E-100000 is 0, and PostgreSQL could not even store that scale).
         */
        BigDecimal amount() {
            return order.unitPrice().multiply(BigDecimal.valueOf(order.quantity()))
                    .setScale(4, RoundingMode.UNNECESSARY);
        }
    }

    /** What one batch did: invoices written, duplicates refused, records rejected, records already done. */
    public record Written(int invoices, int duplicates, int rejected, int alreadyDone, List<Entry> billed) {
    }

    private static final Logger LOG = Logger.getLogger(Ledger.class);
    static final StoredOffsets OFFSETS = new StoredOffsets("ledger_offsets");

    private final DataSource dataSource;

    Ledger(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Written write(String group, List<Entry> batch) throws SQLException {
        Map<TopicPartition, List<Entry>> byPartition = StoredOffsets.byPartition(batch,
                e -> new TopicPartition(e.topic(), e.partition()));
        return Jdbc.inTransaction(dataSource, connection -> write(connection, group, byPartition));
    }

    private static Written write(Connection connection, String group, Map<TopicPartition, List<Entry>> byPartition)
            throws SQLException {
        int invoices = 0;
        int duplicates = 0;
        int rejected = 0;
        int alreadyDone = 0;
        List<Entry> billed = new ArrayList<>();
        for (var partition : byPartition.entrySet()) {
            long next = OFFSETS.lock(connection, group, partition.getKey());
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

    /**
     * Records the refused records; one whose customer or amount differs from the billed invoice of its id is flagged
     * conflicting (a different order under a reused id) and logged.
     */
    private static void insertDuplicates(Connection connection, List<Entry> refused) throws SQLException {
        if (refused.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO ledger_duplicates "
                + "(topic, partition, \"offset\", order_id, customer_id, amount, conflicting) "
                + "SELECT ?, ?, ?, ?, ?, ?, (i.customer_id <> ? OR i.amount <> ?) FROM ledger_invoices i "
                + "WHERE i.order_id = ? ON CONFLICT DO NOTHING RETURNING conflicting, order_id")) {
            for (Entry e : refused) {
                insert.setString(1, e.topic());
                insert.setInt(2, e.partition());
                insert.setLong(3, e.offset());
                insert.setString(4, e.order().orderId());
                insert.setString(5, e.order().customerId());
                insert.setBigDecimal(6, e.amount());
                insert.setString(7, e.order().customerId());
                insert.setBigDecimal(8, e.amount());
                insert.setString(9, e.order().orderId());
                try (ResultSet row = insert.executeQuery()) {
                    if (row.next() && row.getBoolean(1)) {
                        LOG.warnf("%s-%d@%d reuses order id %s for another customer or amount: refused, flagged "
                                + "conflicting in ledger_duplicates", e.topic(), e.partition(), e.offset(),
                                row.getString(2));
                    }
                }
            }
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
                // PostgreSQL text cannot hold NUL, and a reason may quote the value
                insert.setString(4, withoutNul(e.rejection()));
                insert.setString(5, withoutNul(e.value()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static String withoutNul(String text) {
        return text == null ? null : text.replace("\u0000", "");
    }
}
