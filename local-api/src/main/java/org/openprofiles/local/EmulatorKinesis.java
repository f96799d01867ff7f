package org.openprofiles.local;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openprofiles.export.EventSink;
import org.openprofiles.export.KinesisDestinations;
import org.openprofiles.export.KinesisEventSink;
import org.openprofiles.model.ServiceException;
import org.openprofiles.service.EventDestinations;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The Kinesis behind the API's stream features (event streams, their exporter), as it is at any moment: starting, on
 * or off. The emulator serves as soon as its table and domains are ready; its own kinesalite (or the Kinesis it was
 * given) joins a moment later. Meanwhile a call that needs Kinesis waits for it, at most {@link #WAIT}: CreateEventStream
 * then succeeds as it would have after a slower start; only when Kinesis takes longer (kinesalite installed with npm at
 * the first start) does it answer ThrottlingException (429, which the AWS SDKs retry) saying Kinesis is still starting.
 * Once Kinesis is off, the calls answer why, as when it was off from the start.
 */
final class EmulatorKinesis {
    /** What a request waits for a starting Kinesis: under the AWS SDKs' and CLI's default read timeouts (30 s and more). */
    static final Duration WAIT = Duration.ofSeconds(20);

    /** What {@link #state()} says. */
    enum State { STARTING, READY, OFF }

    /** Completes with the client once every stream feature works, or exceptionally ({@link Off}) when Kinesis is off. */
    private final CompletableFuture<KinesisClient> client = new CompletableFuture<>();
    private final Duration wait;

    private EmulatorKinesis(Duration wait) {
        this.wait = wait;
    }

    /** Kinesis that joins later: {@link #ready} or {@link #off(String)} says when and how. */
    static EmulatorKinesis starting(Duration wait) {
        return new EmulatorKinesis(wait);
    }

    /** This Kinesis, ready from the start (null: off, for {@code reason}). */
    static EmulatorKinesis of(KinesisClient kinesis, String reason) {
        EmulatorKinesis features = new EmulatorKinesis(WAIT);
        if (kinesis != null) features.ready(kinesis);
        else features.off(reason);
        return features;
    }

    /** Every stream feature works from now on, over this client. */
    void ready(KinesisClient kinesis) {
        client.complete(kinesis);
    }

    /** Kinesis features are off from now on: requests that need them answer with this reason. */
    void off(String reason) {
        client.completeExceptionally(new Off(reason));
    }

    State state() {
        if (!client.isDone()) return State.STARTING;
        return client.isCompletedExceptionally() ? State.OFF : State.READY;
    }

    /** The client, waiting for a starting Kinesis at most {@link #WAIT}; null when Kinesis is off. */
    private KinesisClient await() throws TimeoutException {
        try {
            return client.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException off) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        }
    }

    private String offReason() {
        try {
            client.join();
            return null;
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause().getMessage();
        }
    }

    /** CreateEventStream's (and Get/ListEventStreams') check of a destination: waits for a starting Kinesis, bounded. */
    EventDestinations destinations() {
        return streamArn -> {
            KinesisClient kinesis;
            try {
                kinesis = await();
            } catch (TimeoutException stillStarting) {
                throw new ServiceException(ServiceException.Type.ThrottlingException, "This emulator's Kinesis is still starting (the"
                        + " Kinesis data stream cannot be checked yet, waited " + wait.toSeconds() + " s); retry in a few seconds");
            }
            if (kinesis == null) {
                return "cannot be used: this emulator runs without Kinesis (" + offReason() + "); start it with --kinesis-endpoint"
                        + " (AWS_ENDPOINT_URL_KINESIS) or with Node.js on the PATH to have event streams";
            }
            return new KinesisDestinations(kinesis).problem(streamArn);
        };
    }

    /**
     * The exporter's writes: while Kinesis starts no event stream can exist yet (creating one waits for Kinesis), but
     * one kept in a data directory can; its records wait for Kinesis, bounded, and a write that cannot happen throws,
     * so the exporter retries the batch as the deployed mapping would (nothing is dropped without a logged failure).
     */
    EventSink sink() {
        return (streamArn, records) -> {
            KinesisClient kinesis;
            try {
                kinesis = await();
            } catch (TimeoutException stillStarting) {
                throw new IllegalStateException("Kinesis is still starting: the batch for " + streamArn + " is retried");
            }
            if (kinesis == null) throw new IllegalStateException("this emulator runs without Kinesis (" + offReason() + ")");
            return new KinesisEventSink(kinesis).put(streamArn, records);
        };
    }

    /** Why Kinesis is off; thrown into the waiting callers' futures only. */
    private static final class Off extends RuntimeException {
        Off(String reason) {
            super(reason, null, false, false);
        }
    }

    /** For the health route: the state in lower case. */
    String stateName() {
        return state().name().toLowerCase(java.util.Locale.ROOT);
    }
}
