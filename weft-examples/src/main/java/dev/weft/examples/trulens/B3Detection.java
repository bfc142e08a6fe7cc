package dev.weft.examples.trulens;

import dev.weft.examples.Check;
import dev.weft.Async;
import dev.weft.Fn1;
import dev.weft.Function;
import dev.weft.Weft;
import dev.weft.examples.Example;
import java.io.PrintStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * B3: {@link Async#isAsync} tells async callables from sync ones, and sees through decorators
 * (any depth of {@link Async.Wrapper}) and dynamic proxies (by their invocation handler, or by
 * the interface they implement). Prints one line per callable, then {@code 10 of 10 as expected}.
 *
 * <p>Mirrors {@code is_really_coroutinefunction} and the {@code CallableMaybeAwaitable} types of
 * seed 002 (TruLens {@code trulens.core.utils.asynchro}):
 *
 * <blockquote>{@code CallableMaybeAwaitable}: Function or coroutine function. May be checked
 * with {@code is_really_coroutinefunction}.</blockquote>
 *
 * <p>TruLens looks through one {@code __wrapped__} only and misses objects whose
 * {@code __call__} is async. Here a decorator says what it wraps by implementing
 * {@code Async.Wrapper}, and {@code isAsync} unwraps to any depth; an object counts as async when
 * its functional method returns a {@code CompletionStage}, as declared or through a type argument
 * ({@code Callable<CompletionStage<String>>}). A plain lambda of a raw-typed interface cannot be
 * seen into, and counts as sync.
 */
public final class B3Detection implements Example {

  @Function
  static CompletionStage<String> fetch(String url) {
    return CompletableFuture.completedFuture("<html>" + url + "</html>");
  }

  @Function
  static String parse(String html) {
    return html.replaceAll("<[^>]*>", "");
  }

  /** An async interface: its one method returns a stage. */
  interface Fetcher {
    CompletionStage<String> fetch(String url);
  }

  /** A decorator (say, one that times calls) that tells {@code isAsync} what it wraps. */
  record Timed(Object target) implements Async.Wrapper {
    @Override
    public Object unwrap() {
      return target;
    }
  }

  /** A proxy's handler that forwards every call to {@code target}, and says so. */
  record Forwarding(Object target) implements InvocationHandler, Async.Wrapper {
    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }

    @Override
    public Object unwrap() {
      return target;
    }
  }

  /** A callable whose call is async (TruLens misses an async {@code __call__}). */
  static final class AsyncCall implements Callable<CompletionStage<String>> {
    @Override
    public CompletionStage<String> call() {
      return CompletableFuture.completedFuture("done");
    }
  }

  /** One callable to judge, and what it is. */
  private record Case(String what, Object callable, boolean async) {}

  @Override
  public String id() {
    return "B3";
  }

  @Override
  public String title() {
    return "Async.isAsync sees through wrappers and dynamic proxies";
  }

  @Override
  public void run(PrintStream out) {
    Fn1<String, String> fetch = Weft.asyncFn(B3Detection::fetch);
    Fn1<String, String> parse = Weft.fn(B3Detection::parse);
    Fetcher fetcherLambda = url -> CompletableFuture.completedFuture(url);
    Callable<String> syncCallable = () -> "hello";

    List<Case> cases = List.of(
        new Case("async function handle", fetch, true),
        new Case("sync function handle", parse, false),
        new Case("wrapper around the async handle", new Timed(fetch), true),
        new Case("wrapper around a wrapper around it", new Timed(new Timed(fetch)), true),
        new Case("proxy whose handler wraps the async handle", proxy(Fn1.class, new Forwarding(fetch)), true),
        new Case("proxy whose handler wraps the sync handle", proxy(Fn1.class, new Forwarding(parse)), false),
        new Case("proxy of an interface returning a stage",
            proxy(Fetcher.class, (p, m, args) -> CompletableFuture.completedFuture(args[0])), true),
        new Case("lambda of that interface", fetcherLambda, true),
        new Case("callable whose call() returns a stage", new AsyncCall(), true),
        new Case("sync callable", syncCallable, false));

    List<String> wrong = new ArrayList<>();
    for (Case c : cases) {
      boolean seen = Async.isAsync(c.callable());
      out.println(c.what() + ": " + (seen ? "async" : "sync"));
      if (seen != c.async()) {
        wrong.add(c.what());
      }
    }
    Check.expect("judged wrongly", wrong, List.of());
    out.println((cases.size() - wrong.size()) + " of " + cases.size() + " as expected");
  }

  private static Object proxy(Class<?> type, InvocationHandler handler) {
    return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
  }
}
