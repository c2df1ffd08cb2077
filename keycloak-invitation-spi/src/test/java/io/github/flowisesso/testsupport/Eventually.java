package io.github.flowisesso.testsupport;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a condition that the server reaches on its own (a background worker, a scheduled job): asks again until
 * it holds or the patience runs out, then fails with the last answer.
 */
public final class Eventually {

    private Eventually() {
    }

    public static <T> T until(String what, Duration patience, Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + patience.toNanos();
        T last = probe.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Waited " + patience.toSeconds() + " s for " + what + "; last seen: " + last);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // the pace of asking, not a synchronisation
            last = probe.get();
        }
        return last;
    }
}
