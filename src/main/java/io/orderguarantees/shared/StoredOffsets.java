package io.orderguarantees.shared;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Kafka's "storing offsets outside Kafka", in a PostgreSQL table keyed by consumer group, topic and partition with a
 * {@code next_offset} column: the consumer seeks there on assignment, and each batch's transaction locks its
 * partitions' rows, skips what lies below {@code next_offset} (written by whoever moved it there) and moves it only
 * forward. Two consumers that both believe they own a partition (one paused past its session timeout, then resumed)
 * are serialized by the lock, and neither writes what the other did.
 */
public final class StoredOffsets {

    private static final Logger LOG = Logger.getLogger(StoredOffsets.class);

    private final String table;

    /** {@code table}: a constant of the caller's, never input. */
    public StoredOffsets(String table) {
        this.table = table;
    }

    /** A batch's records by partition, in the one order every writer locks them in: no two writers deadlock. */
    public static <E> Map<TopicPartition, List<E>> byPartition(List<E> batch, Function<E, TopicPartition> partition) {
        Map<TopicPartition, List<E>> byPartition = new TreeMap<>(
                Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        batch.forEach(e -> byPartition.computeIfAbsent(partition.apply(e), tp -> new ArrayList<>()).add(e));
        return byPartition;
    }

    /** Creates the partition's row if new, locks it until the transaction ends, and returns its next offset. */
    public long lock(Connection connection, String group, TopicPartition partition) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                + " (consumer_group, topic, partition, next_offset) VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING");
                PreparedStatement lock = connection.prepareStatement("SELECT next_offset FROM " + table
                        + " WHERE consumer_group = ? AND topic = ? AND partition = ? FOR UPDATE")) {
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

    /**
     * On the polling thread, before the first fetch of newly assigned partitions: start where the table says. A
     * partition without a row starts at its beginning, whatever offset Kafka may hold for the group (an operator's
     * reset, an older deployment's commits); if the table cannot be read, the same: slower, never wrong, since every
     * batch's transaction skips what is already written. Pair it with {@code auto.offset.reset=none}: a stored offset
     * the topic no longer has (retention outran the consumer, the topic was recreated) then fails the channel loudly
     * instead of jumping silently.
     */
    public void seek(Consumer<?, ?> consumer, DataSource dataSource, String group,
            Collection<TopicPartition> partitions) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT next_offset FROM " + table
                        + " WHERE consumer_group = ? AND topic = ? AND partition = ?")) {
            List<TopicPartition> unknown = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                select.setString(1, group);
                select.setString(2, partition.topic());
                select.setInt(3, partition.partition());
                try (ResultSet row = select.executeQuery()) {
                    if (row.next()) {
                        consumer.seek(partition, row.getLong(1));
                    } else {
                        unknown.add(partition);
                    }
                }
            }
            consumer.seekToBeginning(unknown);
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("The stored offsets of %s could not be read (%s): %s start from the earliest offset, and skip "
                    + "what is already written", group, e.toString(), partitions);
            consumer.seekToBeginning(partitions);
        }
    }
}
