package dev.weft.journal;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Objects;

/**
 * Work that any node sharing a journal may run: how a {@link dev.weft.Placement#FLEET} call leaves
 * the node that makes it. A journal that a fleet shares offers one ({@link Journal#workQueue()});
 * the engine hands it each attempt of such a call made inside a request.
 *
 * <p>Implementations are thread-safe. {@link #run} blocks its caller (a virtual thread) and must
 * answer an interrupt promptly.
 */
public interface WorkQueue {

  /**
   * Queues {@code work}, waits until a node has run it and its outcome is committed, and returns
   * its output. Work is identified by request, call and attempt: the same work queued again (by
   * this node, or by another that resumed the request after a crash) is the same task, so it runs
   * to a committed outcome at most once and a repeat waits for, or returns, that outcome.
   *
   * @return the output, read as {@link Work#outputType()}
   * @throws InterruptedException if the calling thread is interrupted (a timeout or a cancel);
   *     the task is then cancelled wherever it runs
   * @throws Exception the function's own failure, of its own type where that class is loadable
   *     here (else a transport {@code RemoteException} naming it)
   * @throws JournalUnavailableException if the work cannot be queued or followed now
   */
  Object run(Work work) throws Exception;

  /**
   * One attempt of one call.
   *
   * @param requestId the request it belongs to
   * @param call the call's durable id in that request
   * @param attempt the attempt's number, from 1
   * @param function the function's name (for messages and listings)
   * @param method the static method to run
   * @param args the arguments, values of the method's parameter types
   * @param argTypes the declared parameter types, for encoding
   * @param outputType the declared output type, for decoding
   * @param cpus the CPUs one call takes on the node that runs it
   * @param memoryBytes the memory one call takes on the node that runs it
   * @param timeout how long the attempt may run on that node
   */
  record Work(String requestId, DurableId call, int attempt, String function, Method method, Object[] args,
      Type[] argTypes, Type outputType, double cpus, long memoryBytes, Duration timeout) {
    /** Checks the fields. */
    public Work {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(call, "call");
      Objects.requireNonNull(function, "function");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(args, "args");
      Objects.requireNonNull(argTypes, "argTypes");
      Objects.requireNonNull(outputType, "outputType");
      Objects.requireNonNull(timeout, "timeout");
      if (attempt < 1) {
        throw new IllegalArgumentException("attempt must be at least 1, was " + attempt);
      }
    }

    /** The task's key: request, call and attempt. */
    public String key() {
      return requestId + "/" + call + "/" + attempt;
    }
  }
}
