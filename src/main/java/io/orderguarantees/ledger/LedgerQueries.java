package io.orderguarantees.ledger;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.orderguarantees.billing.Invoice;

/**
 * Reads the ledger. A summary adds up the per-partition totals kept on the offset rows: its cost is the number of
 * partitions, not of invoices. Invoices come in pages ordered by order id (keyset paging: the next page starts after
 * the last id, so a page costs the same deep into the ledger as at its start).
 */
@ApplicationScoped
public class LedgerQueries {

    /**
     * {@code refusedDuplicates}: records of an order already billed (retries, producer retries, other clients'
     * copies), of which {@code conflictingDuplicates} carried another customer or amount under the same id.
     */
    public record Summary(String pipeline, long invoices, long distinctOrders, long duplicates, BigDecimal totalAmount,
            long refusedDuplicates, long conflictingDuplicates, long rejected) {
    }

    public record Page(List<Invoice> invoices, String next) {
    }

    private final DataSource dataSource;

    LedgerQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Summary summary() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT coalesce(sum(invoices), 0), "
                        + "coalesce(sum(amount), 0), coalesce(sum(duplicates), 0), coalesce(sum(rejected), 0), "
                        + "(SELECT count(*) FROM ledger_duplicates WHERE conflicting) "
                        + "FROM ledger_offsets WHERE consumer_group = ?")) {
            select.setString(1, LedgerBilling.CHANNEL);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                long invoices = row.getLong(1);
                // order_id is the invoices' primary key: every invoice is of a distinct order, none billed twice.
                return new Summary(LedgerBilling.PIPELINE, invoices, invoices, 0, row.getBigDecimal(2), row.getLong(3),
                        row.getLong(5), row.getLong(4));
            }
        }
    }

    public Page invoices(Optional<String> customerId, Optional<String> after, int limit) throws SQLException {
        String sql = "SELECT order_id, customer_id, amount, partition, \"offset\" FROM ledger_invoices WHERE "
                + (customerId.isPresent() ? "customer_id = ? AND " : "") + "order_id > ? ORDER BY "
                + (customerId.isPresent() ? "customer_id, " : "") + "order_id LIMIT ?";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            int i = 1;
            if (customerId.isPresent()) {
                select.setString(i++, customerId.get());
            }
            select.setString(i++, after.orElse(""));
            // One more than asked: whether there is a next page.
            select.setInt(i, limit + 1);
            List<Invoice> invoices = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    invoices.add(new Invoice(rows.getString(1), rows.getString(2), rows.getBigDecimal(3),
                            rows.getInt(4), rows.getLong(5), LedgerBilling.PIPELINE));
                }
            }
            boolean more = invoices.size() > limit;
            List<Invoice> page = more ? invoices.subList(0, limit) : invoices;
            return new Page(List.copyOf(page), more ? page.get(page.size() - 1).orderId() : null);
        }
    }
}
