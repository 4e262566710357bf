package io.orderguarantees.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.TestPostgres;

/** The audit's copy of the invoice topics, against a real PostgreSQL: each record once, duplicates told apart. */
class AuditStoreTest {

    private static final String GROUP = "billing-audit";
    private static final String TOPIC = "invoices-exactly-once";
    private Map<String, String> database;
    private AuditStore store;

    @BeforeEach
    void freshDatabase() {
        database = TestPostgres.newDatabase();
        DataSource dataSource = TestPostgres.migratedDatabase(database);
        store = new AuditStore(dataSource);
    }

    @Test
    void aBatchReadAgainAfterARestartCountsNothingTwice() throws Exception {
        store.write(GROUP, invoices(0, 0, 3, "o-"));
        store.write(GROUP, invoices(0, 0, 3, "o-"));

        assertThat(total("invoices")).isEqualTo(3);
        assertThat(total("duplicates")).isZero();
        assertThat(single("SELECT count(*) FROM audit_invoices")).isEqualTo(3);
        assertThat(single("SELECT sum(amount) FROM audit_offsets")).isEqualTo(6);
    }

    @Test
    void aSecondInvoiceOfAnOrderIsADuplicateWhereverItIs() throws Exception {
        store.write(GROUP, invoices(0, 0, 1, "same"));
        // the same order id in another partition, and twice in one batch
        store.write(GROUP, List.of(invoice(1, 0, "same0"), invoice(1, 1, "same0"), invoice(1, 2, "other0")));

        assertThat(total("invoices")).isEqualTo(4);
        assertThat(total("duplicates")).isEqualTo(2);
    }

    private static List<AuditStore.Entry> invoices(int partition, long from, long to, String prefix) {
        return LongStream.range(from, to).mapToObj(offset -> invoice(partition, offset, prefix + offset)).toList();
    }

    private static AuditStore.Entry invoice(int partition, long offset, String orderId) {
        return new AuditStore.Entry(TOPIC, partition, offset,
                new Invoice(orderId, "c-1", new BigDecimal("2.00"), 0, offset, "exactly-once"), null);
    }

    private long total(String column) throws SQLException {
        return single("SELECT sum(" + column + ") FROM audit_offsets WHERE consumer_group = '" + GROUP + "'");
    }

    private long single(String sql) throws SQLException {
        return TestPostgres.single(database, sql);
    }
}
