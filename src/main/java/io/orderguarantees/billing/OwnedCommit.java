package io.orderguarantees.billing;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A commit of only the partitions the consumer still owns, checked and committed in one step on its polling thread.
 * The group coordinator accepts a commit from a member of the current generation whatever partitions it names: it
 * does not check ownership. A commit retried after a cooperative rebalance moved a partition away would succeed,
 * while the partition's new owner starts from the old committed offset: both would bill the same records. Rebalance
 * callbacks run inside {@code poll()}, on this same thread, so the assignment cannot change between the check and
 * the commit; and a partition reaches its new owner only after this consumer gave it up in a poll.
 */
final class OwnedCommit {

    private OwnedCommit() {
    }

    /** Commits {@code offsets} of the partitions in the consumer's assignment; returns those partitions. */
    static Set<TopicPartition> commitOwned(Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, OffsetAndMetadata> owned = new HashMap<>(offsets);
        owned.keySet().retainAll(consumer.assignment());
        if (!owned.isEmpty()) {
            consumer.commitSync(owned);
        }
        return owned.keySet();
    }
}
