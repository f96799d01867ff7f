package org.openprofiles.export;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openprofiles.model.Backoff;
import org.openprofiles.model.Deadline;
import org.openprofiles.store.config.ConfigReads;
import org.openprofiles.store.ProfileStore;

/**
 * Writes a batch of changes (one shard of the table's change stream, in stream order) to their domains' event streams.
 *
 * <ul>
 *   <li>A domain without an event stream, or deleted, exports nothing (its changes count as done). The domains' items
 *     are read once per batch, strongly consistent: an event stream created or deleted applies from the next batch.</li>
 *   <li>An event about a profile that no longer exists when it is written (deleted, or merged away) carries ids only
 *     ({@link ChangeEvents#redacted}): the profiles are read once per batch, strongly consistent.</li>
 *   <li>Order per profile: each round writes at most one event per profile (the oldest not yet written), so a record
 *     that Kinesis refuses (throttled) is never overtaken by a later one of its profile.</li>
 *   <li>Refused records are written again, with backoff, for at most {@value #MAX_ATTEMPTS} rounds that failed and
 *     never past the deadline. What is still not written is reported: {@link Result#firstUndelivered} is the sequence
 *     number Lambda resumes the shard from (the changes after it are sent again: their events are written again, with
 *     the same EventIds).</li>
 * </ul>
 */
public final class Exporter {
    /** Rounds with a refused record before the rest of the batch is left for Lambda's retry. */
    static final int MAX_ATTEMPTS = 6;
    /** 50 ms doubling to 1 s between rounds: Kinesis throttles per shard per second. */
    static final Backoff BACKOFF = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1));
    /** What a round needs at least. */
    static final Duration ROUND_RESERVE = Duration.ofSeconds(2);
    /** Kinesis PutRecords: at most 500 records and 5 MiB per call (each record at most 1 MiB with its key). */
    static final int MAX_RECORDS_PER_CALL = 500;
    static final int MAX_BYTES_PER_CALL = 5 * 1024 * 1024;

    /**
     * What became of a batch.
     *
     * @param firstUndelivered the sequence number of the first change whose event was not written, or null
     * @param exported         events written (a redelivered change's event counts again)
     * @param redacted         of those, written with ids only (their profile was gone)
     * @param refused          record writes Kinesis refused (throttled, failed), each time
     * @param undelivered      events left for Lambda's retry
     * @param lastError        the error code of the last refusal (a code or an exception class, never data), or null
     */
    public record Result(String firstUndelivered, int exported, int redacted, int refused, int undelivered, String lastError) {}

    private final ConfigReads config;
    private final ProfileStore profiles;
    private final EventSink sink;

    public Exporter(ConfigReads config, ProfileStore profiles, EventSink sink) {
        this.config = config;
        this.profiles = profiles;
        this.sink = sink;
    }

    record Pending(int index, String streamArn, ExportEvent event, byte[] data) {}

    public Result export(List<Change> changes, Deadline deadline) {
        Map<String, String> streams = streams(changes, deadline);
        List<Pending> pending = new ArrayList<>();
        Map<String, Set<String>> profileIds = new HashMap<>();
        for (int i = 0; i < changes.size(); i++) {
            String stream = streams.get(changes.get(i).domain());
            if (stream == null) continue;
            ExportEvent event = ChangeEvents.of(changes.get(i));
            if (event == null) continue;
            pending.add(new Pending(i, stream, event, null));
            if (event.profileId() != null && event.type() != ChangeEvents.Type.DELETED) {
                profileIds.computeIfAbsent(event.domain(), d -> new LinkedHashSet<>()).add(event.profileId());
            }
        }
        pending = profilesCreatedFirst(pending);
        Set<String> gone = goneProfiles(profileIds, deadline);
        int redacted = 0;
        // One queue per stream and partition key: its head is the only record of that profile a round may write.
        Map<String, Deque<Pending>> queues = new LinkedHashMap<>();
        for (Pending p : pending) {
            ExportEvent event = p.event();
            if (event.profileId() != null && gone.contains(event.domain() + "/" + event.profileId()) && event.type() != ChangeEvents.Type.DELETED) {
                event = ChangeEvents.redacted(event);
                redacted++;
            }
            queues.computeIfAbsent(p.streamArn() + " " + event.partitionKey(), k -> new ArrayDeque<>())
                    .add(new Pending(p.index(), p.streamArn(), event, ChangeEvents.bytes(event)));
        }
        int exported = 0;
        int refusals = 0;
        String lastError = null;
        int failedRounds = 0;
        while (!queues.isEmpty()) {
            Map<String, List<String>> headsByStream = new LinkedHashMap<>();
            for (Map.Entry<String, Deque<Pending>> queue : queues.entrySet()) {
                headsByStream.computeIfAbsent(queue.getValue().peek().streamArn(), s -> new ArrayList<>()).add(queue.getKey());
            }
            boolean refused = false;
            for (Map.Entry<String, List<String>> stream : headsByStream.entrySet()) {
                for (List<String> call : calls(stream.getValue(), queues)) {
                    List<String> errors = write(stream.getKey(), call, queues);
                    for (int i = 0; i < call.size(); i++) {
                        Deque<Pending> queue = queues.get(call.get(i));
                        if (errors.get(i) == null) {
                            queue.poll();
                            exported++;
                            if (queue.isEmpty()) queues.remove(call.get(i));
                        } else {
                            refused = true;
                            refusals++;
                            lastError = errors.get(i);
                        }
                    }
                }
            }
            if (!refused) continue;
            failedRounds++;
            if (failedRounds >= MAX_ATTEMPTS || !BACKOFF.pause(failedRounds, deadline, ROUND_RESERVE)) break;
        }
        int undelivered = 0;
        int first = Integer.MAX_VALUE;
        for (Deque<Pending> queue : queues.values()) {
            undelivered += queue.size();
            first = Math.min(first, queue.peek().index());
        }
        return new Result(queues.isEmpty() ? null : changes.get(first).sequenceNumber(), exported, redacted, refusals, undelivered, lastError);
    }

    /**
     * Each profile's CREATED event ahead of its other events of the batch: a profile and its first object are written in
     * one transaction, whose items the change stream lists in no set order. Nothing of a profile precedes its creation.
     */
    static List<Pending> profilesCreatedFirst(List<Pending> pending) {
        Map<String, Pending> created = new HashMap<>();
        for (Pending p : pending) {
            ExportEvent event = p.event();
            if (event.type() == ChangeEvents.Type.CREATED && ChangeEvents.PROFILE_TYPE.equals(event.payload().get("ObjectTypeName"))) {
                created.put(event.domain() + "/" + event.profileId(), p);
            }
        }
        if (created.isEmpty()) return pending;
        List<Pending> ordered = new ArrayList<>(pending.size());
        Set<Pending> placed = new HashSet<>();
        for (Pending p : pending) {
            Pending creation = p.event().profileId() == null ? null : created.get(p.event().domain() + "/" + p.event().profileId());
            if (creation != null && placed.add(creation)) ordered.add(creation);
            if (placed.add(p)) ordered.add(p);
        }
        return ordered;
    }

    /** The event stream of each domain the changes belong to (absent: none, or the domain is deleted). */
    private Map<String, String> streams(List<Change> changes, Deadline deadline) {
        Set<String> domains = new LinkedHashSet<>();
        for (Change change : changes) domains.add(change.domain());
        Map<String, String> streams = new HashMap<>();
        if (domains.isEmpty()) return streams;
        config.domains(domains, deadline).forEach((name, item) -> {
            if (!item.deleting() && item.eventStream() != null) streams.put(name, item.eventStream().uri());
        });
        return streams;
    }

    /** "domain/profileId" of each profile named that no longer exists (or is closed by a DeleteProfile or MergeProfiles). */
    private Set<String> goneProfiles(Map<String, Set<String>> profileIds, Deadline deadline) {
        Set<String> gone = new HashSet<>();
        profileIds.forEach((domain, ids) -> {
            Set<String> existing = profiles.profiles(domain, ids, null, deadline).keySet();
            for (String id : ids) if (!existing.contains(id)) gone.add(domain + "/" + id);
        });
        return gone;
    }

    /** The queues' heads split into calls within Kinesis's limits. */
    private static List<List<String>> calls(List<String> heads, Map<String, Deque<Pending>> queues) {
        List<List<String>> calls = new ArrayList<>();
        List<String> call = new ArrayList<>();
        int bytes = 0;
        for (String head : heads) {
            Pending p = queues.get(head).peek();
            int size = p.data().length + p.event().partitionKey().length();
            if (!call.isEmpty() && (call.size() == MAX_RECORDS_PER_CALL || bytes + size > MAX_BYTES_PER_CALL)) {
                calls.add(call);
                call = new ArrayList<>();
                bytes = 0;
            }
            call.add(head);
            bytes += size;
        }
        if (!call.isEmpty()) calls.add(call);
        return calls;
    }

    /** One call; a call that failed as a whole (Kinesis unreachable, throttled, the stream gone) refuses every record. */
    private List<String> write(String streamArn, List<String> call, Map<String, Deque<Pending>> queues) {
        List<EventSink.Outgoing> records = new ArrayList<>();
        for (String head : call) {
            Pending p = queues.get(head).peek();
            records.add(new EventSink.Outgoing(p.event().partitionKey(), p.data()));
        }
        try {
            return sink.put(streamArn, records);
        } catch (RuntimeException e) {
            List<String> failed = new ArrayList<>();
            for (int i = 0; i < call.size(); i++) failed.add(e.getClass().getSimpleName());
            return failed;
        }
    }
}
