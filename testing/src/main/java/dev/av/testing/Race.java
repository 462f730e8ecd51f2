package dev.av.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs the same action on several threads released at one moment, to provoke races. */
public final class Race {

    /** One racer's work; {@code racer} is 0 .. racers-1. */
    @FunctionalInterface
    public interface Racer {
        void run(int racer) throws Exception;
    }

    private Race() {
    }

    /**
     * Starts {@code racers} threads that wait for each other and then run {@code action} together;
     * returns when all are done, or throws the first failure (wrapped in an {@link ExecutionException}).
     */
    public static void run(int racers, Racer action) throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            CyclicBarrier start = new CyclicBarrier(racers);
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                int racer = i;
                runs.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    action.run(racer);
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                try {
                    f.get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new ExecutionException("a racer did not finish in 30 s", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
