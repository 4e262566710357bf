package io.orderguarantees.shared;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

/** One database transaction around a piece of work: committed if it returns, rolled back if it throws. */
public final class Jdbc {

    /** Work on a connection inside a transaction. */
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private Jdbc() {
    }

    public static <T> T inTransaction(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }
}
