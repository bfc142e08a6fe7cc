package dev.weft.engine;

import dev.weft.AsyncScope;
import dev.weft.ErrorMode;
import dev.weft.ExitMode;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** Makes scopes for {@link AsyncScope}; the only entry the API uses. */
public final class Scopes {
  private Scopes() {}

  /** Opens a scope with these (validated) options. */
  public static AsyncScope open(ExitMode exit, ErrorMode error, Optional<Duration> deadline, OptionalInt max) {
    return new ScopeImpl(exit, error, deadline, max.orElse(Integer.MAX_VALUE));
  }

  /** Runs {@code body} in {@code scope}, closing it without blocking; see {@link AsyncScope#async}. */
  public static <T> CompletionStage<T> async(AsyncScope scope, Function<AsyncScope, ? extends CompletionStage<T>> body) {
    ScopeImpl impl = (ScopeImpl) scope;
    CompletableFuture<T> out = new CompletableFuture<>();
    CompletionStage<T> bodyStage;
    try {
      bodyStage = body.apply(scope);
      if (bodyStage == null) {
        throw new NullPointerException("the scope's body returned null; return a CompletionStage");
      }
    } catch (Throwable t) {
      bodyStage = CompletableFuture.failedFuture(t);
    }
    CompletionStage<T> bodyResult = bodyStage;
    bodyResult.whenComplete((value, bodyFailure) -> impl.closeAsync().whenComplete((x, closeFailure) -> {
      Throwable closeError = closeFailure == null ? null : Failures.unwrap(closeFailure);
      if (bodyFailure != null) {
        Throwable primary = Failures.unwrap(bodyFailure);
        if (closeError != null && closeError != primary) {
          primary.addSuppressed(closeError);
        }
        out.completeExceptionally(primary);
      } else if (closeError != null) {
        out.completeExceptionally(closeError);
      } else {
        out.complete(value);
      }
    }));
    out.whenComplete((v, e) -> {
      if (out.isCancelled()) {
        impl.cancelAll();
        try {
          bodyResult.toCompletableFuture().cancel(true);
        } catch (UnsupportedOperationException ignored) {
          // a stage that cannot be cancelled finishes on its own; the scope still closes after it
        }
      }
    });
    return out;
  }
}
