package dev.weft.remote;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The caller's side of a streamed result: items decoded by the call's thread as their lines
 * arrive, handed to whoever iterates the {@link Stream} it makes. The queue between them is
 * bounded, so a consumer slower than the worker makes the call's thread stop reading, the
 * connection fill up and the worker's producer wait: back-pressure from end to end.
 *
 * <p>Thread-safe: one thread feeds it ({@link #add}, then one of {@link #end} and {@link #fail}),
 * one thread iterates; closing the stream (or an interrupt of the iterating thread) cancels the
 * call through {@code onClose}, which may run on either.
 */
final class ItemStream {
  /** How many decoded items may wait for the consumer before the call's thread stops reading. */
  static final int CAPACITY = 256;

  private static final Object NULL = new Object();
  private static final Object END = new Object();

  private record Failure(Throwable cause) {}

  /** Items, then one terminal entry; items take a permit each (the bound), the terminal entry none. */
  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Semaphore room = new Semaphore(CAPACITY);
  private final String function;
  private final Runnable onClose;
  private volatile boolean over;

  ItemStream(String function, Runnable onClose) {
    this.function = function;
    this.onClose = onClose;
  }

  /** Hands one item on, waiting while the consumer is {@link #CAPACITY} items behind. */
  void add(Object item) throws InterruptedException {
    room.acquire();
    queue.add(item == null ? NULL : item);
  }

  /** The stream ended normally. */
  void end() {
    finish(END);
  }

  /**
   * The stream ended with {@code cause}: the consumer gets the items before it, then the failure.
   *
   * @return false if it had already ended
   */
  boolean fail(Throwable cause) {
    return finish(new Failure(cause));
  }

  private synchronized boolean finish(Object last) {
    if (over) {
      return false;
    }
    over = true;
    queue.add(last); // after the items already there, and never waiting for room
    return true;
  }

  /**
   * The items as a sequential, ordered {@link Stream}. Iterating blocks until the next item is
   * there; a failure of the remote call is thrown where it is met (unchecked as itself, a checked
   * one wrapped in {@link dev.weft.FunctionException}). Closing the stream before its end cancels
   * the call, on the worker too; use it in try-with-resources when not reading it all.
   */
  @SuppressWarnings("unchecked")
  <T> Stream<T> stream() {
    Iterator<T> items = new Iterator<>() {
      private Object next;

      @Override
      public boolean hasNext() {
        if (next == null) {
          try {
            next = queue.take();
            if (next != END && !(next instanceof Failure)) {
              room.release();
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            onClose.run();
            throw new CancellationException("interrupted while waiting for the next item of " + function);
          }
        }
        if (next instanceof Failure f) {
          throw Calls.rethrow(f.cause(), function);
        }
        return next != END;
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException(function + "'s stream has ended");
        }
        Object item = next;
        next = null;
        return item == NULL ? null : (T) item;
      }
    };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(items, Spliterator.ORDERED), false).onClose(onClose);
  }
}
