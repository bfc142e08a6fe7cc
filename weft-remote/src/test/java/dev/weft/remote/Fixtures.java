package dev.weft.remote;

import dev.weft.Function;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Functions and classes the remote tests deploy to real worker processes. */
public final class Fixtures {
  private Fixtures() {}

  /** A checked exception of the caller's own, which must come back with its type. */
  public static class InsufficientFunds extends Exception {
    public InsufficientFunds(String message) {
      super(message);
    }
  }

  @Function
  public static int twice(int x) {
    return x * 2;
  }

  @Function
  public static String threadName(String ignored) {
    return Thread.currentThread().getName();
  }

  @Function
  public static CompletionStage<String> loopThreadName(String ignored) {
    return CompletableFuture.completedFuture(Thread.currentThread().getName());
  }

  @Function
  public static long pid(int ignored) {
    return ProcessHandle.current().pid();
  }

  @Function
  public static int withdraw(int amount) throws InsufficientFunds {
    throw new InsufficientFunds("cannot withdraw " + amount + ": balance is 10");
  }

  /**
   * Throws an exception whose class exists only in the worker process (a hidden class defined
   * from {@link InsufficientFunds}'s bytes), so the caller cannot load it by the name it is sent.
   */
  @Function
  public static int failWithWorkerOnlyType(String message) throws Exception {
    byte[] bytes;
    try (java.io.InputStream in = Fixtures.class.getResourceAsStream("Fixtures$InsufficientFunds.class")) {
      bytes = in.readAllBytes();
    }
    Class<?> hidden = java.lang.invoke.MethodHandles.lookup().defineHiddenClass(bytes, true).lookupClass();
    throw (Exception) hidden.getConstructor(String.class).newInstance(message);
  }

  /** Sleeps, then answers with its process id; retried (on a restarted worker) if the worker dies. */
  @Function(retries = 2, backoff = @dev.weft.Backoff(initial = "50ms", max = "200ms"))
  public static long sleepThenPid(long millis) throws InterruptedException {
    Thread.sleep(millis);
    return ProcessHandle.current().pid();
  }

  /** The same without retries. */
  @Function
  public static long sleepThenPidOnce(long millis) throws InterruptedException {
    Thread.sleep(millis);
    return ProcessHandle.current().pid();
  }

  private static final java.util.Map<String, Integer> ATTEMPTS = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Fails its first two attempts per key (on the worker), then answers with the attempt number.
   * No jitter: a test counts on the first retry waiting the whole 50 ms.
   */
  @Function(retries = 2, backoff = @dev.weft.Backoff(initial = "50ms", max = "100ms", jitter = 0))
  public static int flaky(String key) {
    int attempt = ATTEMPTS.merge(key, 1, Integer::sum);
    if (attempt < 3) {
      throw new IllegalStateException("attempt " + attempt + " of " + key + " fails");
    }
    return attempt;
  }

  private static final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> RUNS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Counts its runs per key (on the worker), sleeps printing a line every 50 ms, then answers with
   * that count: a call that ran twice shows as 2. No retries, so the caller never runs it again on
   * purpose.
   */
  @Function
  public static int countRuns(RunOrder order) throws InterruptedException {
    int run = RUNS.computeIfAbsent(order.key(), k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
    System.out.println("run " + run + " of " + order.key());
    long end = System.nanoTime() + order.millis() * 1_000_000;
    for (long left = order.millis(); left > 0; left = (end - System.nanoTime()) / 1_000_000) {
      Thread.sleep(Math.min(50, left));
      System.out.println("still running");
    }
    return run;
  }

  public record RunOrder(String key, long millis) {}

  /** A class whose construction fails on the worker. */
  public static final class Broken {
    public Broken(String why) {
      throw new IllegalArgumentException("cannot build Broken: " + why);
    }
  }

  @Function
  public static int fail(String message) {
    throw new IllegalStateException(message);
  }

  /** Sleeps, printing a line first; a cancelled call is interrupted (and writes a marker file). */
  @Function
  public static String sleep(SleepOrder order) throws Exception {
    System.out.println("sleeping " + order.millis() + " ms");
    try {
      Thread.sleep(order.millis());
    } catch (InterruptedException e) {
      if (order.markerFile() != null) {
        java.nio.file.Files.writeString(java.nio.file.Path.of(order.markerFile()), "interrupted");
      }
      throw e;
    }
    return "slept " + order.millis();
  }

  public record SleepOrder(long millis, String markerFile) {}

  @Function
  public static CompletionStage<String> asyncSleep(long millis) {
    return CompletableFuture.supplyAsync(() -> "woke", CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS));
  }

  /** Blocks its event loop: the worker's watchdog must report it. */
  @Function
  public static CompletionStage<String> blockingAsync(long millis) throws InterruptedException {
    Thread.sleep(millis);
    return CompletableFuture.completedFuture("blocked for " + millis);
  }

  @Function
  public static List<String> logLines(int n) {
    for (int i = 1; i <= n; i++) {
      System.out.println("line " + i);
    }
    return List.of("done");
  }

  @Function(timeout = "30s")
  public static Duration echoDuration(Duration d) {
    return d;
  }

  /** Streams 1..n, an item every {@code everyMillis}; writes {@code closedMarker} (if given) when the worker closes the stream. */
  @Function
  public static java.util.stream.Stream<Integer> countTo(int n, long everyMillis, String closedMarker) {
    return java.util.stream.Stream.iterate(1, i -> i <= n, i -> i + 1)
        .peek(i -> pause(everyMillis))
        .onClose(() -> {
          if (closedMarker != null) {
            try {
              java.nio.file.Files.writeString(java.nio.file.Path.of(closedMarker), "closed");
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        });
  }

  /** Streams 1..n, then fails. */
  @Function
  public static java.util.stream.Stream<String> failAfter(int n) {
    return java.util.stream.Stream.iterate(1, i -> i + 1).map(i -> {
      if (i > n) {
        throw new IllegalStateException("no more after " + n);
      }
      return "item " + i;
    });
  }

  private static void pause(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the worker's next item sees it and stops the stream
    }
  }

  /** The interface a deployed class is called through. */
  public interface Counter {
    int add(int n);

    String greet(String who);

    CompletionStage<Integer> addLater(int n);

    /** A streamed result from a class service. */
    java.util.stream.Stream<String> greetEach(List<String> names);
  }

  public static final class CounterService implements Counter {
    private final String greeting;
    private int total;

    public CounterService(String greeting, int start) {
      this.greeting = greeting;
      this.total = start;
      System.out.println("CounterService built with " + greeting);
    }

    @Override
    public synchronized int add(int n) {
      System.out.println("adding " + n);
      total += n;
      return total;
    }

    @Override
    public String greet(String who) {
      return greeting + ", " + who;
    }

    @Override
    public CompletionStage<Integer> addLater(int n) {
      return CompletableFuture.completedFuture(add(n));
    }

    @Override
    public java.util.stream.Stream<String> greetEach(List<String> names) {
      return names.stream().map(this::greet);
    }
  }

  /** Stands for jakarta.annotation.PreDestroy: lifecycle annotations are known by their simple name. */
  @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
  public @interface PreDestroy {}

  /** A superclass whose public methods a service inherits. */
  public static class BaseService {
    public String base() {
      return "base";
    }
  }

  /** What a caller may try to call on a {@link ClosingService}, lifecycle methods included. */
  public interface Closing extends AutoCloseable {
    int add(int n);

    String base();

    /** Whether close() or shutdown() ran on the worker. */
    boolean closed();

    void shutdown();

    default String greeting() {
      return "hello";
    }

    @Override
    void close();
  }

  /** A class service with lifecycle methods that no remote caller may run. */
  public static final class ClosingService extends BaseService implements Closing {
    private volatile boolean closed;
    private int total;

    @Override
    public synchronized int add(int n) {
      if (closed) {
        throw new IllegalStateException("closed");
      }
      total += n;
      return total;
    }

    @Override
    public boolean closed() {
      return closed;
    }

    @PreDestroy
    @Override
    public void shutdown() {
      closed = true;
    }

    @Override
    public void close() {
      System.out.println("close() ran");
      closed = true;
    }

    public static int helper() {
      return 0;
    }

    @Override
    public String toString() {
      return "ClosingService(" + total + ")";
    }
  }
}
