package org.openprofiles.store.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.openprofiles.model.Deadline;
import org.openprofiles.model.ServiceException;

/** The store's one retry loop: how it gives up, and that a write which may have landed is never answered as a refusal. */
class RetryTest {
    static final Deadline DEADLINE = Deadline.in(Duration.ofSeconds(10));

    @Test
    void aRefusalAfterAnAttemptThatMayHaveLandedIsA500() {
        // A DeleteProfileObject whose first commit lost its answer: its next read finds the object gone.
        ServiceException answered = assertThrows(ServiceException.class, () -> Retry.run(Retry.DECIDE_AGAIN, DEADLINE, attempt -> {
            if (attempt == 1) throw new DecideAgainException(DecideAgainException.Reason.CONFLICT, "lost answer", true);
            throw ServiceException.notFound("no such object");
        }));
        assertEquals(ServiceException.Type.InternalServerException, answered.type());
    }

    @Test
    void aRefusalWhenNothingCanHaveLandedStands() {
        ServiceException answered = assertThrows(ServiceException.class, () -> Retry.run(Retry.DECIDE_AGAIN, DEADLINE, attempt -> {
            if (attempt == 1) throw new DecideAgainException("lost a race", false);
            throw ServiceException.notFound("no such object");
        }));
        assertEquals(ServiceException.Type.ResourceNotFoundException, answered.type());
    }

    @Test
    void outOfAttemptsIsA429WithNothingWrittenOrA500WhenAWriteMayHaveLanded() {
        AtomicInteger attempts = new AtomicInteger();
        ServiceException clean = assertThrows(ServiceException.class, () -> Retry.run(Retry.DECIDE_AGAIN, DEADLINE, attempt -> {
            attempts.incrementAndGet();
            throw new DecideAgainException("lost a race", false);
        }));
        assertEquals(ServiceException.Type.ThrottlingException, clean.type());
        assertEquals(Retry.DECIDE_AGAIN.attempts(), attempts.get());
        ServiceException unknown = assertThrows(ServiceException.class, () -> Retry.run(Retry.DECIDE_AGAIN, DEADLINE, attempt -> {
            throw new DecideAgainException(DecideAgainException.Reason.CONFLICT, "lost answer", attempt == 1);
        }));
        assertEquals(ServiceException.Type.InternalServerException, unknown.type());
    }

    @Test
    void aLoopRetriesOnlyItsOwnReasons() {
        AtomicInteger attempts = new AtomicInteger();
        DecideAgainException conflict = assertThrows(DecideAgainException.class, () -> Retry.run(Retry.OTHER_SHARD, DEADLINE, attempt -> {
            attempts.incrementAndGet();
            throw new DecideAgainException("lost a race", false);
        }));
        assertEquals(DecideAgainException.Reason.CONFLICT, conflict.reason(), "a conflict goes to the enclosing decide-again loop");
        assertEquals(1, attempts.get());
    }
}
