package dev.weft.test;

import dev.weft.Fn0;
import dev.weft.Fn1;
import dev.weft.Fn2;
import dev.weft.Fn3;
import dev.weft.Fn4;
import dev.weft.Fn5;
import dev.weft.Request;
import dev.weft.WeftRuntime;
import dev.weft.journal.InMemoryJournal;
import dev.weft.observe.ObservedAttempt;
import dev.weft.observe.Observation;
import dev.weft.observe.WeftObserver;
import dev.weft.spi.CallInterceptor;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One test's Weft: an isolated {@link WeftRuntime} (never the default one) on an in-memory journal
 * and a {@link VirtualClock}, with a record of every attempt it ran, fake bodies and injected
 * failures per function, and crash-and-resume. {@link WeftExtension} ({@link WeftTest}) makes one
 * per test and closes it after; {@link #create()} makes one by hand (then close it).
 *
 * <p>A function is named by its handle ({@code Weft.fn(Shop::charge)}, {@code Weft.asyncFn(...)})
 * or by the handle's {@code name()}. Fakes and faults apply to this runtime only, from the moment
 * they are set; set them before starting the request. Thread-safe.
 *
 * <p>The runtime has two event loops and the kit's own observer only: observers on the class path
 * (tracing, metrics) are not told what it runs.
 */
public final class TestWeft implements AutoCloseable {
  private final VirtualClock clock = new VirtualClock();
  private final InMemoryJournal journal = new InMemoryJournal();
  private final List<RecordedAttempt> attempts = new CopyOnWriteArrayList<>();
  private final AtomicLong order = new AtomicLong();
  private final ThreadLocal<RecordedAttempt> starting = new ThreadLocal<>();
  private final Map<String, FakeBody> fakes = new ConcurrentHashMap<>();
  private final Map<String, List<Fault>> faults = new ConcurrentHashMap<>();
  private volatile String crashAt;
  private volatile CountDownLatch crashed = new CountDownLatch(1);
  private volatile WeftRuntime runtime;

  private TestWeft() {
    this.runtime = newRuntime();
  }

  /** A new one, with its own runtime and clock; the caller closes it. */
  public static TestWeft create() {
    return new TestWeft();
  }

  /** The runtime to run requests on; after {@link #restart()} the new one. */
  public WeftRuntime runtime() {
    return runtime;
  }

  /** The runtime's clock: see how much time it skipped, or move it ahead by hand. */
  public VirtualClock clock() {
    return clock;
  }

  /** Runs {@code application} as a new request on this runtime and waits for its output (see {@link WeftRuntime#run}). */
  public <A, R> R run(Fn1<A, R> application, A input) {
    return runtime.run(application, input);
  }

  // ---- what ran

  /** Every attempt this runtime started (since the last {@link #restart()}), in start order. */
  public List<RecordedAttempt> attempts() {
    return List.copyOf(attempts);
  }

  /** The attempts of one function, in start order. */
  public List<RecordedAttempt> attempts(Object function) {
    String name = nameOf(function);
    return attempts.stream().filter(a -> a.function().equals(name)).toList();
  }

  /** The names of the functions whose calls ran, one per call (first attempts only), in start order. */
  public List<String> calls() {
    return attempts.stream().filter(a -> a.attempt() == 1).map(RecordedAttempt::function).toList();
  }

  /** Assertions on what {@code function} (a handle or its name) did in this test. */
  public FunctionAssert assertThat(Object function) {
    return new FunctionAssert(nameOf(function), attempts(function), this::attempts);
  }

  // ---- fakes and faults

  /** From now on, calls of {@code function} run {@code fake} instead of its body. */
  public <R> TestWeft fake(Fn0<R> function, Fake0<R> fake) {
    return fake(function.name(), args -> fake.call());
  }

  /** From now on, calls of {@code function} run {@code fake} instead of its body. */
  @SuppressWarnings("unchecked")
  public <A, R> TestWeft fake(Fn1<A, R> function, Fake1<A, R> fake) {
    return fake(function.name(), args -> fake.call((A) args[0]));
  }

  /** From now on, calls of {@code function} run {@code fake} instead of its body. */
  @SuppressWarnings("unchecked")
  public <A, B, R> TestWeft fake(Fn2<A, B, R> function, Fake2<A, B, R> fake) {
    return fake(function.name(), args -> fake.call((A) args[0], (B) args[1]));
  }

  /**
   * From now on, calls of the function with this name run {@code fake} instead of its body; it
   * gets the arguments as an array. For an async function it may return the value itself (the
   * kit completes the stage) or a stage. Retries, timeouts and journaling apply as to the body.
   */
  public TestWeft fake(String function, FakeBody fake) {
    Objects.requireNonNull(fake, "fake");
    fakes.put(requireName(function), fake);
    return this;
  }

  /** The next {@code times} attempts of {@code function} throw what {@code failure} makes (then it runs as before). */
  public TestWeft failFirst(Object function, int times, Supplier<? extends Throwable> failure) {
    Objects.requireNonNull(failure, "failure");
    return addFault(function, times, failure);
  }

  /**
   * The next {@code times} attempts of {@code function} hang until the function's timeout ends
   * them with a {@code FunctionTimeoutException}; on virtual time that happens at once.
   */
  public TestWeft timeOutFirst(Object function, int times) {
    return addFault(function, times, null);
  }

  private TestWeft addFault(Object function, int times, Supplier<? extends Throwable> failure) {
    if (times < 1) {
      throw new IllegalArgumentException("times must be at least 1, not " + times);
    }
    faults.computeIfAbsent(nameOf(function), k -> new CopyOnWriteArrayList<>()).add(new Fault(times, failure));
    return this;
  }

  // ---- crash and resume

  /**
   * Starts {@code application} as a new request and "crashes" it when a call of {@code function}
   * is about to run: the request is abandoned there, that call's body does not run, and the
   * journal keeps what the request recorded so far. Returns the request's id, for
   * {@link #restartAndResume}. Calls running beside it are cancelled; their outputs may or may not
   * have been journaled. Fails if the request ends without calling {@code function} (waits at most 60 s).
   */
  public <A, R> String runUntil(Object function, Fn1<A, R> application, A input) {
    crashed = new CountDownLatch(1);
    crashAt = nameOf(function);
    Request<R> request = runtime.submit(application, input);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try {
      while (!crashed.await(5, TimeUnit.MILLISECONDS)) {
        if (request.done()) {
          throw new AssertionError("the request ended (" + request.state() + ") without calling " + crashAt
              + "; calls that ran: " + calls());
        }
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError("no call of " + crashAt + " started within 60 s; calls that ran: " + calls());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + crashAt, e);
    } finally {
      crashAt = null;
    }
    return request.id();
  }

  /**
   * "Restarts the process": stops this runtime and makes a new one on the same journal and clock,
   * with the same fakes and faults. The record of attempts starts empty again.
   */
  public TestWeft restart() {
    WeftRuntime old = runtime;
    runtime = newRuntime();
    old.close();
    attempts.clear();
    return this;
  }

  /**
   * {@link #restart()}, then resumes the request {@code requestId} on the new runtime and waits for
   * its output. {@link #attempts()} then shows what the resumed request ran again: a call whose
   * output the journal kept returns it without running.
   */
  public <A, R> R restartAndResume(Fn1<A, R> application, String requestId) {
    restart();
    Optional<Request<R>> resumed = runtime.resume(application, requestId);
    return resumed.orElseThrow(() -> new AssertionError("the journal holds no request " + requestId
        + " to resume; pass the id runUntil returned")).result();
  }

  /** Stops the runtime and the clock. Idempotent. */
  @Override
  public void close() {
    runtime.close();
    clock.close();
    journal.close();
  }

  // ---- the runtime's hooks

  private WeftRuntime newRuntime() {
    return WeftRuntime.builder().journal(journal).clock(clock).observer(new Recorder()).intercept(this::intercept)
        .eventLoops(2).build();
  }

  private final class Recorder implements WeftObserver {
    @Override
    public Observation attemptStarted(Observation parent, ObservedAttempt attempt) {
      RecordedAttempt a = new RecordedAttempt(order.incrementAndGet(), attempt.function(), attempt.requestId(),
          attempt.attempt(), attempt.item());
      attempts.add(a);
      starting.set(a);
      clock.attemptStarted(a, Thread.currentThread());
      return (outcome, failure) -> {
        a.ended(outcome, failure.orElse(null));
        clock.attemptEnded(a);
      };
    }
  }

  private Object intercept(String function, int attempt, boolean async, Object[] args, CallInterceptor.Body body)
      throws Throwable {
    RecordedAttempt a = starting.get();
    starting.remove();
    if (a != null) {
      a.args(args);
    }
    if (function.equals(crashAt) && a != null && crashed.getCount() > 0) {
      CrashedException crash = new CrashedException(function);
      runtime.abandon(a.requestId(), crash);
      crashed.countDown();
      throw crash;
    }
    List<Fault> fs = faults.get(function);
    if (fs != null) {
      for (Fault f : fs) {
        if (f.take()) {
          if (f.failure != null) {
            throw f.failure.get();
          }
          if (async) {
            return new CompletableFuture<>(); // never completes: the timeout ends it
          }
          new CountDownLatch(1).await(); // until the timeout interrupts it
        }
      }
    }
    FakeBody fake = fakes.get(function);
    if (fake == null) {
      return body.invoke();
    }
    Object out = fake.call(args);
    return async && !(out instanceof java.util.concurrent.CompletionStage<?>) && !(out instanceof dev.weft.Future<?>)
        ? CompletableFuture.completedFuture(out) : out;
  }

  private static final class Fault {
    final AtomicInteger left;
    final Supplier<? extends Throwable> failure;

    Fault(int times, Supplier<? extends Throwable> failure) {
      this.left = new AtomicInteger(times);
      this.failure = failure;
    }

    boolean take() {
      return left.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }
  }

  static String nameOf(Object function) {
    return switch (function) {
      case null -> throw new NullPointerException("function: pass a handle (Weft.fn(...)) or its name");
      case String s -> requireName(s);
      case Fn0<?> f -> f.name();
      case Fn1<?, ?> f -> f.name();
      case Fn2<?, ?, ?> f -> f.name();
      case Fn3<?, ?, ?, ?> f -> f.name();
      case Fn4<?, ?, ?, ?, ?> f -> f.name();
      case Fn5<?, ?, ?, ?, ?, ?> f -> f.name();
      default -> throw new IllegalArgumentException("not a function handle: " + function
          + "; pass Weft.fn(Type::method), Weft.asyncFn(...) or the handle's name()");
    };
  }

  private static String requireName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a function's name must not be blank; use handle.name()");
    }
    return name;
  }

  /** A fake body of a function without parameters. */
  @FunctionalInterface
  public interface Fake0<R> {
    /** The call's output, or throws its failure. */
    R call() throws Exception;
  }

  /** A fake body of a function of one parameter. */
  @FunctionalInterface
  public interface Fake1<A, R> {
    /** The call's output, or throws its failure. */
    R call(A a) throws Exception;
  }

  /** A fake body of a function of two parameters. */
  @FunctionalInterface
  public interface Fake2<A, B, R> {
    /** The call's output, or throws its failure. */
    R call(A a, B b) throws Exception;
  }

  /** A fake body of any function, given its arguments as an array. */
  @FunctionalInterface
  public interface FakeBody {
    /** The call's output, or throws its failure. */
    Object call(Object[] args) throws Exception;
  }

  /** What a request crashed by {@link #runUntil} fails with in the runtime that ran it. */
  public static final class CrashedException extends RuntimeException {
    CrashedException(String function) {
      super("crashed by the test at a call of " + function, null, false, false);
    }
  }

  @Override
  public String toString() {
    return "TestWeft[" + attempts.size() + " attempts, clock skipped " + clock.skipped() + "]";
  }
}
