package dev.weft.engine;

import dev.weft.observe.Observation;
import dev.weft.observe.ObservedAttempt;
import dev.weft.observe.ObservedRequest;
import dev.weft.observe.Outcome;
import dev.weft.observe.RuntimeGauges;
import dev.weft.observe.WeftObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Finds a runtime's observers and combines several into one. {@link #NONE} stands for "none
 * installed": the engine compares against it and then calls nothing.
 */
final class Observers {
  /** No observer: the engine skips every notification when it has this one. */
  static final WeftObserver NONE = new WeftObserver() {
    @Override
    public String toString() {
      return "no observer";
    }
  };

  private Observers() {}

  /** The {@link ServiceLoader} providers of {@link WeftObserver}, combined; {@link #NONE} if there are none. */
  static WeftObserver discovered() {
    List<WeftObserver> found = new ArrayList<>();
    for (WeftObserver o : ServiceLoader.load(WeftObserver.class, Observers.class.getClassLoader())) {
      found.add(o);
    }
    return of(found);
  }

  static WeftObserver of(List<WeftObserver> observers) {
    return switch (observers.size()) {
      case 0 -> NONE;
      case 1 -> observers.getFirst();
      default -> new Composite(observers.toArray(WeftObserver[]::new));
    };
  }

  /** Several observers' observations of one piece of work, in the composite's order. */
  private record Parts(Observation[] parts) implements Observation {
    @Override
    public void ended(Outcome outcome, Optional<Throwable> failure) {
      for (Observation p : parts) {
        p.ended(outcome, failure);
      }
    }

    Observation part(int i) {
      return parts[i];
    }
  }

  /** Tells each observer in turn; each gets back only its own observations. */
  private record Composite(WeftObserver[] observers) implements WeftObserver {
    private static Observation part(Observation parent, int i) {
      return parent instanceof Parts p ? p.part(i) : Observation.NONE;
    }

    @Override
    public Observation requestStarted(ObservedRequest request) {
      Observation[] parts = new Observation[observers.length];
      for (int i = 0; i < observers.length; i++) {
        parts[i] = observers[i].requestStarted(request);
      }
      return new Parts(parts);
    }

    @Override
    public Observation attemptStarted(Observation parent, ObservedAttempt attempt) {
      Observation[] parts = new Observation[observers.length];
      for (int i = 0; i < observers.length; i++) {
        parts[i] = observers[i].attemptStarted(part(parent, i), attempt);
      }
      return new Parts(parts);
    }

    @Override
    public void loopBlocked(String loopThread, Duration blocked) {
      for (WeftObserver o : observers) {
        o.loopBlocked(loopThread, blocked);
      }
    }

    @Override
    public void journalCommitted(String journal, Duration latency, int batchSize) {
      for (WeftObserver o : observers) {
        o.journalCommitted(journal, latency, batchSize);
      }
    }

    @Override
    public void runtimeStarted(RuntimeGauges gauges) {
      for (WeftObserver o : observers) {
        o.runtimeStarted(gauges);
      }
    }

    @Override
    public void inject(Observation current, BiConsumer<String, String> headers) {
      for (int i = 0; i < observers.length; i++) {
        observers[i].inject(part(current, i), headers);
      }
    }

    @Override
    public Observation extract(Function<String, String> header) {
      Observation[] parts = new Observation[observers.length];
      for (int i = 0; i < observers.length; i++) {
        parts[i] = observers[i].extract(header);
      }
      return new Parts(parts);
    }
  }
}
