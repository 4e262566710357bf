package io.orderguarantees.ledger;

import java.sql.SQLException;

/** The ledger's database did not take a batch: it may pass, so the batch is tried again, never skipped. */
public class LedgerUnavailableException extends RuntimeException {

    LedgerUnavailableException(SQLException cause) {
        super("the ledger's database did not take the batch: " + cause.getMessage(), cause);
    }
}
