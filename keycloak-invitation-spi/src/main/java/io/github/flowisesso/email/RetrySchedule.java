package io.github.flowisesso.email;

import java.util.concurrent.TimeUnit;

/**
 * When a failed invitation email is tried again: after {@code firstDelaySeconds}, doubling each time up to
 * {@code maxDelaySeconds}, until {@code maxAttempts} sends have failed. A mail server that is down for a while (a
 * restart, a full queue, a rate limit) then gets every mail once it is back, without being hammered meanwhile.
 */
record RetrySchedule(int firstDelaySeconds, int maxDelaySeconds, int maxAttempts) {

    RetrySchedule {
        if (firstDelaySeconds < 1 || maxDelaySeconds < firstDelaySeconds || maxAttempts < 1) {
            throw new IllegalArgumentException("mail retries need 1 <= first delay <= max delay and at least one attempt, not "
                + firstDelaySeconds + "/" + maxDelaySeconds + "/" + maxAttempts);
        }
    }

    /** When to try again after the {@code attempts}-th failed send, or null when that was the last one. */
    Long nextAttemptAt(int attempts, long now) {
        if (attempts >= maxAttempts) {
            return null;
        }
        long delay = firstDelaySeconds;
        for (int i = 1; i < attempts && delay < maxDelaySeconds; i++) {
            delay *= 2;
        }
        return now + TimeUnit.SECONDS.toMillis(Math.min(delay, maxDelaySeconds));
    }
}
