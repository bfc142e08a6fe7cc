package dev.weft.engine;

import dev.weft.Async;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/** The engine side of {@link Async}. */
public final class Bridges {
  private static final int MAX_UNWRAP = 64;

  private Bridges() {}

  /** See {@link Async#sync(CompletionStage)}. */
  public static <T> T sync(CompletionStage<? extends T> stage) {
    if (stage == null) {
      throw new NullPointerException("Async.sync needs a stage, got null");
    }
    if (stage instanceof AbstractFuture<? extends T> f) {
      return f.result();
    }
    CompletableFuture<T> done = new CompletableFuture<>();
    stage.whenComplete((v, e) -> {
      if (e == null) {
        done.complete(v);
      } else {
        done.completeExceptionally(Failures.unwrap(e));
      }
    });
    try {
      EventLoop loop = EventLoop.current();
      if (loop != null && !done.isDone()) {
        loop.runUntil(done, Long.MAX_VALUE);
      }
      return done.get();
    } catch (ExecutionException e) {
      throw Failures.rethrow(e.getCause(), "Async.sync");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted in Async.sync");
    }
  }

  /** Calls {@code work}, which must return a stage. */
  public static <T> CompletionStage<? extends T> call(Callable<? extends CompletionStage<? extends T>> work) {
    CompletionStage<? extends T> stage;
    try {
      stage = work.call();
    } catch (Exception e) {
      throw Failures.rethrow(e, "Async.sync");
    }
    if (stage == null) {
      throw new NullPointerException("the work given to Async.sync returned null instead of a CompletionStage");
    }
    return stage;
  }

  /** See {@link Async#desync(Callable)}. */
  public static <T> CompletionStage<T> desync(Callable<? extends T> work) {
    CompletableFuture<T> out = new CompletableFuture<>();
    Frame frame = Frames.current();
    Thread thread = Threads.startCall(() -> {
      Frame prev = frame == null ? null : Frames.enter(frame);
      try {
        out.complete(work.call());
      } catch (Throwable t) {
        out.completeExceptionally(t);
      } finally {
        if (frame != null) {
          Frames.restore(prev);
        }
      }
    });
    out.whenComplete((v, e) -> {
      if (out.isCancelled()) {
        thread.interrupt();
      }
    });
    return out;
  }

  /** See {@link Async#desyncCompose(Callable)}. */
  public static <T> CompletionStage<T> desyncCompose(Callable<? extends CompletionStage<? extends T>> work) {
    CompletableFuture<T> out = new CompletableFuture<>();
    desync(work).whenComplete((stage, e) -> {
      if (e != null) {
        out.completeExceptionally(Failures.unwrap(e));
      } else if (stage == null) {
        out.completeExceptionally(new NullPointerException(
            "the work given to Async.desyncCompose returned null instead of a CompletionStage"));
      } else {
        stage.whenComplete((v, f) -> {
          if (f == null) {
            out.complete(v);
          } else {
            out.completeExceptionally(Failures.unwrap(f));
          }
        });
      }
    });
    return out;
  }

  /** See {@link Async#delay(java.time.Duration)}. */
  public static CompletionStage<Void> delay(java.time.Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("a delay must not be negative, was " + delay);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    // The clock of the request this runs in: a test kit's virtual clock skips such delays.
    TimerWheel.Timeout timeout = Frames.currentOrLocal().run.engine().timer().schedule(() -> done.complete(null), delay.toNanos());
    done.whenComplete((v, e) -> timeout.cancel());
    return done;
  }

  /** See {@link Async#toStage(Object)}. */
  @SuppressWarnings("unchecked")
  public static <T> CompletionStage<T> toStage(Object valueOrStage) {
    if (valueOrStage instanceof AbstractFuture<?> f) {
      f.startIfNeeded();
      return (CompletionStage<T>) f;
    }
    if (valueOrStage instanceof CompletionStage<?> s) {
      return (CompletionStage<T>) s;
    }
    return CompletableFuture.completedFuture((T) valueOrStage);
  }

  /** See {@link Async#isAsync(Object)}. */
  public static boolean isAsync(Object callable) {
    Object f = callable;
    for (int depth = 0; depth < MAX_UNWRAP && f != null; depth++) {
      if (f instanceof Async.Wrapper w) {
        f = w.unwrap();
        continue;
      }
      if (Proxy.isProxyClass(f.getClass())) {
        InvocationHandler handler = Proxy.getInvocationHandler(f);
        if (handler instanceof Async.Wrapper w) {
          f = w.unwrap();
          continue;
        }
        return functionalMethodIsAsync(f.getClass());
      }
      if (f instanceof Handle h) {
        return h.spec().def().onLoop() || CompletionStage.class.isAssignableFrom(h.spec().def().method().getReturnType());
      }
      if (f instanceof Serializable s && f.getClass().isSynthetic()) {
        Boolean fromLambda = serializedLambdaIsAsync(s);
        if (fromLambda != null) {
          return fromLambda;
        }
      }
      return functionalMethodIsAsync(f.getClass());
    }
    return false;
  }

  private static Boolean serializedLambdaIsAsync(Serializable lambda) {
    try {
      Method writeReplace = lambda.getClass().getDeclaredMethod("writeReplace");
      writeReplace.setAccessible(true);
      SerializedLambda form = (SerializedLambda) writeReplace.invoke(lambda);
      String signature = form.getImplMethodSignature();
      String returned = signature.substring(signature.indexOf(')') + 1);
      if (!returned.startsWith("L")) {
        return false;
      }
      String name = returned.substring(1, returned.length() - 1).replace('/', '.');
      Class<?> type = Class.forName(name, false, lambda.getClass().getClassLoader());
      return CompletionStage.class.isAssignableFrom(type);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Whether the class's functional method returns a stage: a non-bridge public method that
   * implements the single abstract method of one of its interfaces (a covariant override counts),
   * or an interface whose type argument for that method's result is a stage.
   */
  private static boolean functionalMethodIsAsync(Class<?> type) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Type generic : c.getGenericInterfaces()) {
        Class<?> raw = rawClass(generic);
        Method sam = singleAbstractMethod(raw);
        if (sam == null) {
          continue;
        }
        if (CompletionStage.class.isAssignableFrom(sam.getReturnType())) {
          return true;
        }
        for (Method m : type.getMethods()) {
          if (!m.isBridge() && m.getName().equals(sam.getName())
              && m.getParameterCount() == sam.getParameterCount()
              && CompletionStage.class.isAssignableFrom(m.getReturnType())) {
            return true;
          }
        }
        if (generic instanceof ParameterizedType p && sam.getGenericReturnType() instanceof java.lang.reflect.TypeVariable<?> tv) {
          java.lang.reflect.TypeVariable<?>[] vars = raw.getTypeParameters();
          for (int i = 0; i < vars.length; i++) {
            if (vars[i].getName().equals(tv.getName())
                && CompletionStage.class.isAssignableFrom(rawClass(p.getActualTypeArguments()[i]))) {
              return true;
            }
          }
        }
      }
    }
    return false;
  }

  private static final Set<String> OBJECT_METHODS = Set.of("equals", "hashCode", "toString");

  private static Method singleAbstractMethod(Class<?> iface) {
    if (iface == null || !iface.isInterface()) {
      return null;
    }
    Method found = null;
    for (Method m : iface.getMethods()) {
      if (Modifier.isAbstract(m.getModifiers()) && !OBJECT_METHODS.contains(m.getName())) {
        if (found != null) {
          return null;
        }
        found = m;
      }
    }
    return found;
  }

  private static Class<?> rawClass(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    return Object.class;
  }
}
