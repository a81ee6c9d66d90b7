package io.softcifar.service.events;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.jboss.logging.Logger;

/**
 * Which partitions are busy and which offsets are owed a commit. Workers report each record's end here
 * ({@link #finished}); the poll thread commits the settled ones, seeks back to the abandoned ones, pauses busy
 * partitions (all of them when every slot is taken), and keeps the offsets of records handled here whose partition
 * was away, committing them if the partition comes back. Only the poll thread calls the other methods.
 */
final class PartitionLedger implements ConsumerRebalanceListener {

    private static final Logger LOG = Logger.getLogger(EventConsumer.class);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaConsumer<String, String> consumer;
    private final String groupId;
    private final int slots;
    private final ConcurrentLinkedQueue<ConsumerRecord<String, String>> done = new ConcurrentLinkedQueue<>();
    /** Records whose handling stopped without an outcome: read again from their offset. */
    private final ConcurrentLinkedQueue<ConsumerRecord<String, String>> abandoned = new ConcurrentLinkedQueue<>();

    private final Set<TopicPartition> busy = new HashSet<>();
    /** Partitions this member owns now; a worker retrying a record of a partition that moved stops retrying. */
    private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();

    private final Map<TopicPartition, OffsetAndMetadata> unconfirmed = new HashMap<>();
    /** Offsets of records handled here whose partition was not assigned when they were to be committed. */
    private final Map<TopicPartition, OffsetAndMetadata> homeless = new HashMap<>();

    PartitionLedger(KafkaConsumer<String, String> consumer, String groupId, int slots) {
        this.consumer = consumer;
        this.groupId = groupId;
        this.slots = slots;
    }

    /** The partitions this member owns now (read by workers). */
    Set<TopicPartition> owned() {
        return owned;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        commitDone();
        owned.removeAll(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        owned.removeAll(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        owned.addAll(partitions);
        commitHomeless(partitions);
        // a partition whose record is still being handled here stays paused
        consumer.pause(partitions.stream().filter(busy::contains).toList());
    }

    /** Whether a record of the partition can start now: the partition is free and a slot is. */
    boolean canStart(TopicPartition partition) {
        return !busy.contains(partition) && busy.size() < slots;
    }

    /** The partition's record starts: the partition is paused until it ends. */
    void started(TopicPartition partition) {
        busy.add(partition);
        consumer.pause(List.of(partition));
    }

    /**
     * From a worker: the record ended, settled (handled or dead-lettered: commit it) or not (read it again). The poll
     * thread acts on it within one poll interval.
     */
    void finished(ConsumerRecord<String, String> record, boolean settled) {
        (settled ? done : abandoned).add(record);
    }

    void commitDone() {
        ConsumerRecord<String, String> record;
        while ((record = done.poll()) != null) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            unconfirmed.merge(
                    partition, new OffsetAndMetadata(record.offset() + 1), (a, b) -> a.offset() >= b.offset() ? a : b);
            busy.remove(partition);
            if (consumer.assignment().contains(partition)) {
                // a partition handles one record at a time, so the next one to read is the one after it, even if
                // the partition was lost and assigned again while the handler ran (its position then came from the
                // committed offset, before this record)
                consumer.seek(partition, record.offset() + 1);
            }
        }
        if (unconfirmed.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(unconfirmed);
        Set<TopicPartition> assignment = consumer.assignment();
        unconfirmed.forEach((partition, offset) -> {
            if (!assignment.contains(partition)) {
                homeless.merge(partition, offset, (a, b) -> a.offset() >= b.offset() ? a : b);
            }
        });
        offsets.keySet().retainAll(assignment);
        unconfirmed.clear();
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets, COMMIT_TIMEOUT);
        } catch (RetriableException e) {
            // the broker is away: keep the offsets and commit them at the next turn of the loop
            LOG.warnf("%s: commit of %s failed (%s); trying again", groupId, offsets.keySet(), e.getMessage());
            offsets.forEach(unconfirmed::putIfAbsent);
        } catch (KafkaException e) {
            // the group moved on (rebalance, or the coordinator came back with a new generation): if a partition
            // comes back here its offset is committed then (commitHomeless); if it went to another member, that
            // member sees the record again, and handlers are idempotent
            LOG.warnf(
                    "%s: commit of %s failed (%s); kept for when the partitions come back",
                    groupId, offsets.keySet(), e.getMessage());
            offsets.forEach((partition, offset) ->
                    homeless.merge(partition, offset, (a, b) -> a.offset() >= b.offset() ? a : b));
        }
    }

    /**
     * A partition that comes back to this member (typically after the broker or the group coordinator was away, when
     * the member's partitions are "lost" rather than revoked) may carry records this member handled but could not
     * commit. If nobody committed further meanwhile, those offsets are committed now and the position set after them,
     * so the records are not handled a second time. A commit that fails here only means a redelivery, as before.
     */
    private void commitHomeless(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> ours = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = homeless.remove(partition);
            if (offset != null) {
                ours.put(partition, offset);
            }
        }
        if (ours.isEmpty()) {
            return;
        }
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(ours.keySet(), COMMIT_TIMEOUT);
            ours.entrySet().removeIf(e -> {
                OffsetAndMetadata theirs = committed.get(e.getKey());
                return theirs != null && theirs.offset() >= e.getValue().offset();
            });
            if (!ours.isEmpty()) {
                consumer.commitSync(ours, COMMIT_TIMEOUT);
                ours.forEach((partition, offset) -> consumer.seek(partition, offset.offset()));
                LOG.infof("%s: committed %s, handled here before the partitions came back", groupId, ours);
            }
        } catch (KafkaException e) {
            LOG.warnf(
                    "%s: late commit of %s failed (%s); the records may be delivered again",
                    groupId, ours.keySet(), e.getMessage());
        }
    }

    /** Reads abandoned records again: their partition is free, and its position goes back to the record. */
    void seekBackAbandoned() {
        ConsumerRecord<String, String> record;
        while ((record = abandoned.poll()) != null) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            busy.remove(partition);
            if (consumer.assignment().contains(partition)) {
                consumer.seek(partition, record.offset());
            }
        }
    }

    void adjustPauses() {
        Set<TopicPartition> assigned = consumer.assignment();
        if (busy.size() >= slots) {
            consumer.pause(assigned);
            return;
        }
        List<TopicPartition> idle =
                assigned.stream().filter(p -> !busy.contains(p)).toList();
        consumer.resume(idle);
    }
}
