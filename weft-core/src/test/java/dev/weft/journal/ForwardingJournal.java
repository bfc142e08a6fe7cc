package dev.weft.journal;

import dev.weft.Subscription;
import dev.weft.observe.WeftObserver;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Optional;

/**
 * A journal that forwards every method to {@link #delegate()}: a test implements it (a record
 * holding the real journal is enough) and overrides only what it changes, such as {@link
 * #canWrite()} or {@link #workQueue()}. Shipped in weft-core's test jar.
 */
public interface ForwardingJournal extends Journal {
  /** The journal every method not overridden goes to. */
  Journal delegate();

  @Override default RequestLog create(NewRequest request) { return delegate().create(request); }
  @Override default Optional<RequestLog> reopen(String id) { return delegate().reopen(id); }
  @Override default List<RequestInfo> unfinished() { return delegate().unfinished(); }
  @Override default Optional<RequestInfo> info(String id) { return delegate().info(id); }
  @Override default RequestPage list(RequestQuery query) { return delegate().list(query); }
  @Override default List<CallRecord> calls(String id) { return delegate().calls(id); }
  @Override default Optional<Object> output(String id, Type declared) { return delegate().output(id, declared); }
  @Override default Optional<Object> input(String id, Type declared) { return delegate().input(id, declared); }
  @Override default Optional<Subscription> watch(String id, Runnable onChange) { return delegate().watch(id, onChange); }
  @Override default boolean requestCancel(String id) { return delegate().requestCancel(id); }
  @Override default Optional<WorkQueue> workQueue() { return delegate().workQueue(); }
  @Override default boolean canWrite() { return delegate().canWrite(); }
  @Override default int queuedWrites() { return delegate().queuedWrites(); }
  @Override default void observedBy(WeftObserver observer) { delegate().observedBy(observer); }
  @Override default void close() { delegate().close(); }
}
