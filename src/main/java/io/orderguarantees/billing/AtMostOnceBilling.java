package io.orderguarantees.billing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * At-most-once: channel {@code billing-at-most-once} (group of the same name, {@code batch=true},
 * {@code commit-strategy=ignore}) to {@code invoices-at-most-once}. The offsets of a whole polled batch are committed
 * once, synchronously, before any of its orders is processed: a crash after that commit loses what of the batch was
 * not yet invoiced (at most {@code max.poll.records}), and nothing is ever billed twice. SmallRye has no commit
 * strategy that commits ahead of processing (throttled and latest commit what was acknowledged), hence the explicit
 * commit, of the partitions still owned only ({@link OwnedCommit}).
 */
@ApplicationScoped
public class AtMostOnceBilling {

    private static final Logger LOG = Logger.getLogger(AtMostOnceBilling.class);

    @Inject
    @Channel("invoices-at-most-once")
    MutinyEmitter<Object> invoices;

    @Inject
    KafkaClientService clients;

    @Inject
    RecordInvoicing invoicing;

    @Inject
    Faults faults;

    @Incoming("billing-at-most-once")
    public Uni<Void> bill(KafkaRecordBatch<String, String> batch) {
        batch.getRecords().forEach(record -> faults.crashAt(Pipeline.AT_MOST_ONCE, CrashPoint.BEFORE_PROCESSING));
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        batch.getLatestOffsetRecords().forEach((partition, last) -> next.put(partition,
                new OffsetAndMetadata(source(last).getOffset() + 1)));
        int polledIn = batch.getMetadata(IncomingKafkaRecordBatchMetadata.class).orElseThrow()
                .getConsumerGroupGenerationId();
        Function<Consumer<String, String>, Set<TopicPartition>> commitOwned = consumer -> OwnedCommit
                .commitOwned(consumer, next, polledIn);
        return clients.<String, String> getConsumer(Pipeline.AT_MOST_ONCE.channel()).runOnPollingThread(commitOwned)
                .onItemOrFailure().transformToUni((owned, failure) -> failure == null && !owned.isEmpty()
                        ? billOwned(batch, owned)
                        : rewind(batch, failure))
                .call(() -> Uni.createFrom().completionStage(batch.ack()));
    }

    private Uni<Void> billOwned(KafkaRecordBatch<String, String> batch, Set<TopicPartition> owned) {
        List<KafkaRecord<String, String>> ours = batch.getRecords().stream()
                .filter(record -> owned.contains(new TopicPartition(record.getTopic(), source(record).getPartition())))
                .toList();
        if (ours.size() < batch.getRecords().size()) {
            LOG.infof("%d of %d orders of a batch not billed here: their partitions moved to another instance, which "
                    + "bills them from the last committed offset", batch.getRecords().size() - ours.size(),
                    batch.getRecords().size());
        }
        return Multi.createFrom().iterable(ours).onItem().transformToUni(record -> {
            faults.crashAt(Pipeline.AT_MOST_ONCE, CrashPoint.AFTER_COMMIT_BEFORE_PROCESSING);
            return invoicing.bill(Pipeline.AT_MOST_ONCE, source(record).getRecord(), invoices);
        }).merge(RecordInvoicing.IN_FLIGHT).collect().last().replaceWithVoid();
    }

    /**
     * Not committed: a rebalance since the poll (a new generation: the partitions may have moved, or been lost and given
     * back), a commit refused for it ({@code RebalanceInProgressException}, {@code CommitFailedException}), or the
     * coordinator unreachable. Not billed either: back to the last committed offsets, dropping what was already
     * fetched, as SmallRye does after a failure it handles, so that whoever owns each partition now consumes these
     * records from there. Should a commit that timed out have been applied after all, the committed offset is past the
     * batch, and the batch is skipped: at-most-once allows that loss, and never a second charge.
     */
    private Uni<Void> rewind(KafkaRecordBatch<String, String> batch, Throwable failure) {
        LOG.infof("A batch of %d orders was not committed, so not billed (%s): rewinding to the last committed offsets",
                batch.getRecords().size(), failure == null ? "the group rebalanced since the poll" : failure.toString());
        return clients.getConsumer(Pipeline.AT_MOST_ONCE.channel()).resetToLastCommittedPositions();
    }

    @SuppressWarnings("unchecked")
    private static IncomingKafkaRecordMetadata<String, String> source(KafkaRecord<String, String> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
    }
}
