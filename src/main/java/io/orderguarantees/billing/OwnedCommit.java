package io.orderguarantees.billing;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A commit of a polled batch only while the consumer has owned its partitions without a break since the poll,
 * checked and committed in one step on the polling thread.
 *
 * <p>The group coordinator accepts a commit from a member of the current generation whatever partitions it names: it
 * does not check ownership. A partition that moved to another member since the poll, or was lost and given back
 * (the consumer was dropped from the group and rejoined, its position reset to the committed offset, the same records
 * fetched again), would have its batch billed here as well as there, or twice here. Rebalances happen inside
 * {@code poll()}, on this same thread, and each one that changes the assignment starts a new generation: a batch is
 * committed only while the group generation is still the one it was polled in, and only for partitions still
 * assigned.
 */
final class OwnedCommit {

    private OwnedCommit() {
    }

    /**
     * Commits {@code offsets} of the partitions still assigned, if the consumer is still in generation
     * {@code polledIn}; returns the partitions committed, none when the generation moved on.
     */
    static Set<TopicPartition> commitOwned(Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> offsets,
            int polledIn) {
        if (polledIn < 0 || consumer.groupMetadata().generationId() != polledIn) {
            return Set.of();
        }
        Map<TopicPartition, OffsetAndMetadata> owned = new HashMap<>(offsets);
        owned.keySet().retainAll(consumer.assignment());
        if (!owned.isEmpty()) {
            consumer.commitSync(owned);
        }
        return owned.keySet();
    }
}
