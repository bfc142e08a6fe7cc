package dev.weft.engine;

import dev.weft.ProgressUpdate;
import dev.weft.RequestContext;
import dev.weft.Subscription;
import dev.weft.UsageException;
import dev.weft.journal.DurableId;
import dev.weft.journal.RequestLog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * One request while it runs: id, journal log, state, progress, metrics, and the defaults its
 * application gives the functions it calls. The runtime's "local" run stands for calls made
 * outside any request: not journaled, shared by all of them. Thread-safe.
 */
final class RequestRun {
  static final String LOCAL_ID = "local";

  private final Engine engine;
  private final String id;
  private final String application;
  private final RequestLog log;
  private final int defaultRetries;
  private final Duration defaultTimeout;
  private final Map<String, Object> state = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> timerNanos = new ConcurrentHashMap<>();
  private final List<Consumer<ProgressUpdate>> progressListeners = new CopyOnWriteArrayList<>();
  private volatile ProgressUpdate progress;
  private final Frame root;

  RequestRun(Engine engine, String id, String application, RequestLog log, DurableId rootId,
      int defaultRetries, Duration defaultTimeout, boolean resumed) {
    this.engine = engine;
    this.id = id;
    this.application = application;
    this.log = log;
    this.defaultRetries = defaultRetries;
    this.defaultTimeout = defaultTimeout;
    this.root = new Frame(this, rootId, null, log != null, resumed);
  }

  Engine engine() {
    return engine;
  }

  String id() {
    return id;
  }

  String application() {
    return application;
  }

  boolean isLocal() {
    return log == null;
  }

  /** Null when not journaled. */
  RequestLog log() {
    return log;
  }

  Frame root() {
    return root;
  }

  /** This request as an observer is shown it when it starts. */
  dev.weft.observe.ObservedRequest observed(boolean resumed) {
    return new dev.weft.observe.ObservedRequest() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public String application() {
        return application;
      }

      @Override
      public boolean resumed() {
        return resumed;
      }
    };
  }

  int retriesFor(FunctionDef def) {
    return def.retries() >= 0 ? def.retries() : defaultRetries;
  }

  Duration timeoutFor(FunctionDef def) {
    return def.timeout().orElse(defaultTimeout);
  }

  void progress(double current, double total, String message) {
    if (!Double.isFinite(current) || !Double.isFinite(total) || current < 0 || total < 0) {
      throw new IllegalArgumentException("progress must be finite and non-negative, was " + current + " of " + total);
    }
    ProgressUpdate update = new ProgressUpdate(current, total, message == null ? "" : message, Instant.now());
    progress = update;
    if (log != null) {
      log.progress(update);
    }
    for (Consumer<ProgressUpdate> l : progressListeners) {
      try {
        l.accept(update);
      } catch (Throwable t) {
        Threads.log().log(System.Logger.Level.ERROR, "progress listener failed", t);
      }
    }
  }

  Optional<ProgressUpdate> latestProgress() {
    return Optional.ofNullable(progress);
  }

  /** Adds {@code listener}; the subscription removes exactly this registration. */
  Subscription onProgress(Consumer<ProgressUpdate> listener) {
    Objects.requireNonNull(listener, "listener");
    // A fresh wrapper per registration: the same listener added twice is two registrations,
    // and closing one removes that one (remove() matches by identity here, not by equals).
    Consumer<ProgressUpdate> registration = listener::accept;
    progressListeners.add(registration);
    return () -> progressListeners.remove(registration);
  }

  RequestContext.State state() {
    return new RequestContext.State() {
      @Override
      public void set(String key, Object value) {
        if (value == null) {
          state.remove(key);
        } else {
          state.put(key, value);
        }
      }

      @Override
      public <T> Optional<T> get(String key, Class<T> type) {
        Object v = state.get(key);
        if (v == null) {
          return Optional.empty();
        }
        if (!FunctionDef.box(type).isInstance(v)) {
          throw new UsageException("request state '" + key + "' holds a " + v.getClass().getName()
              + ", not a " + type.getName());
        }
        @SuppressWarnings("unchecked")
        T t = (T) v;
        return Optional.of(t);
      }
    };
  }

  RequestContext.Metrics metrics() {
    return new RequestContext.Metrics() {
      @Override
      public void counter(String name, long delta) {
        counters.computeIfAbsent(name, k -> new LongAdder()).add(delta);
      }

      @Override
      public void timer(String name, Duration elapsed) {
        timerNanos.computeIfAbsent(name, k -> new LongAdder()).add(elapsed.toNanos());
      }
    };
  }

  Map<String, Long> counters() {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  Map<String, Duration> timers() {
    Map<String, Duration> out = new TreeMap<>();
    timerNanos.forEach((k, v) -> out.put(k, Duration.ofNanos(v.sum())));
    return out;
  }
}
