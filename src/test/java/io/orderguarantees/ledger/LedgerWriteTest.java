package io.orderguarantees.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.orderguarantees.shared.Order;
import io.orderguarantees.testsupport.TestPostgres;

/**
 * The ledger's transaction against a real PostgreSQL, driven the way two consumers of one partition would: the owner
 * and a zombie (paused past its session timeout, its partition moved, then resumed with the batch it held).
 */
class LedgerWriteTest {

    private static final String GROUP = "billing-ledger";
    private Map<String, String> database;
    private Ledger ledger;

    @BeforeEach
    void freshLedger() {
        database = TestPostgres.newDatabase();
        DataSource dataSource = TestPostgres.migratedDatabase(database);
        ledger = new Ledger(dataSource);
    }

    @Test
    void aZombieBatchBillsNothingTheOwnerBilledAndNeverMovesTheOffsetBack() throws Exception {
        // The owner bills offsets 0..9; the zombie wakes up holding 0..4, which it polled before it was paused.
        Ledger.Written owner = ledger.write(GROUP, batch(0, 0, 10));
        Ledger.Written zombie = ledger.write(GROUP, batch(0, 0, 5));

        assertThat(owner.invoices()).isEqualTo(10);
        assertThat(zombie.invoices()).isZero();
        assertThat(zombie.alreadyDone()).isEqualTo(5);
        assertThat(zombie.duplicates()).as("a replayed record is not a client's duplicate").isZero();
        assertThat(nextOffset(0)).isEqualTo(10);
        assertThat(count("ledger_invoices")).isEqualTo(10);
        assertThat(count("ledger_duplicates")).isZero();
    }

    @Test
    void aBatchOverlappingWhatIsDoneBillsOnlyTheRest() throws Exception {
        ledger.write(GROUP, batch(0, 0, 10));
        Ledger.Written overlapping = ledger.write(GROUP, batch(0, 5, 15));

        assertThat(overlapping.alreadyDone()).isEqualTo(5);
        assertThat(overlapping.invoices()).isEqualTo(5);
        assertThat(nextOffset(0)).isEqualTo(15);
        assertThat(count("ledger_invoices")).isEqualTo(15);
    }

    @Test
    void twoWritersRacingOverOnePartitionBillEachOrderOnce() throws Exception {
        // Both hold the same 200 records of partition 1, in batches of 20 that they write at the same time.
        ExecutorService writers = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> billed = new ArrayList<>();
            for (int writer = 0; writer < 2; writer++) {
                billed.add(writers.submit((Callable<Integer>) () -> {
                    int invoices = 0;
                    for (long from = 0; from < 200; from += 20) {
                        invoices += ledger.write(GROUP, batch(1, from, from + 20)).invoices();
                    }
                    return invoices;
                }));
            }
            assertThat(billed.get(0).get() + billed.get(1).get()).isEqualTo(200);
        } finally {
            writers.shutdown();
        }
        assertThat(count("ledger_invoices")).isEqualTo(200);
        assertThat(count("ledger_duplicates")).isZero();
        assertThat(nextOffset(1)).isEqualTo(200);
    }

    @Test
    void theSameOrderAtAnotherOffsetIsARefusedDuplicateNotASecondCharge() throws Exception {
        Order order = order("retried-1");
        ledger.write(GROUP, List.of(Ledger.Entry.billable("orders", 2, 0, order)));
        Ledger.Written retry = ledger.write(GROUP, List.of(Ledger.Entry.billable("orders", 2, 1, order),
                Ledger.Entry.billable("orders", 2, 2, order)));

        assertThat(retry.invoices()).isZero();
        assertThat(retry.duplicates()).isEqualTo(2);
        assertThat(count("ledger_invoices")).isEqualTo(1);
        assertThat(count("ledger_duplicates")).isEqualTo(2);
        assertThat(nextOffset(2)).isEqualTo(3);
    }

    @Test
    void anotherOrderUnderABilledIdIsRefusedAndFlaggedConflicting() throws Exception {
        ledger.write(GROUP, List.of(Ledger.Entry.billable("orders", 2, 0, order("reused-1"))));
        Ledger.Written other = ledger.write(GROUP, List.of(Ledger.Entry.billable("orders", 2, 1,
                new Order("reused-1", "c-2", "Ink", 3, new BigDecimal("9.99")))));

        assertThat(other.invoices()).isZero();
        assertThat(single("SELECT count(*) FROM ledger_duplicates WHERE conflicting")).isEqualTo(1);
    }

    @Test
    void aPriceWrittenWithAHugeScaleIsStoredAtTheLedgersScale() throws Exception {
        // 0E-100000 passes @Digits(fraction = 4): it is 0; PostgreSQL cannot store a scale of 100000.
        Ledger.Written written = ledger.write(GROUP, List.of(Ledger.Entry.billable("orders", 0, 0,
                new Order("scale-1", "c-1", "Pen", 2, new BigDecimal("0E-100000")))));

        assertThat(written.invoices()).isEqualTo(1);
        assertThat(single("SELECT count(*) FROM ledger_invoices WHERE amount = 0")).isEqualTo(1);
    }

    @Test
    void aRecordThatIsNoOrderIsRejectedInTheSameTransaction() throws Exception {
        ledger.write(GROUP, List.of(Ledger.Entry.rejected("orders", 0, 0, "not JSON: 'a\u0000b'", "a\u0000b")));

        assertThat(count("ledger_rejected")).isEqualTo(1);
        assertThat(nextOffset(0)).isEqualTo(1);
    }

    private static List<Ledger.Entry> batch(int partition, long from, long to) {
        return LongStream.range(from, to).mapToObj(offset -> Ledger.Entry.billable("orders", partition, offset,
                order("p" + partition + "-o" + offset))).toList();
    }

    private static Order order(String id) {
        return new Order(id, "c-1", "Pen", 2, new BigDecimal("1.50"));
    }

    private long nextOffset(int partition) throws SQLException {
        return single("SELECT next_offset FROM ledger_offsets WHERE consumer_group = '" + GROUP
                + "' AND topic = 'orders' AND partition = " + partition);
    }

    private long count(String table) throws SQLException {
        return single("SELECT count(*) FROM " + table);
    }

    private long single(String sql) throws SQLException {
        return TestPostgres.single(database, sql);
    }
}
