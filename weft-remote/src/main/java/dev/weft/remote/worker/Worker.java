package dev.weft.remote.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.weft.BlockedEventLoopException;
import dev.weft.Future;
import dev.weft.engine.DirectFunction;
import dev.weft.engine.Engine;
import dev.weft.engine.EngineConfig;
import dev.weft.engine.FunctionInfo;
import dev.weft.journal.InMemoryJournal;
import dev.weft.remote.ServiceSpec;
import dev.weft.remote.ServiceUnavailableException;
import dev.weft.remote.wire.ServiceMethods;
import dev.weft.remote.wire.Wire;
import dev.weft.transport.ErrorPayload;
import dev.weft.transport.TransportException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The server side of a service: loads exactly what its {@link ServiceSpec} names, answers calls
 * to it on a loopback HTTP port, and runs them through a Weft engine (stage-returning methods
 * on its event loops under the blocked-loop watchdog, the rest on virtual threads). Nothing
 * named in a request is ever loaded: a request names a callable, looked up among those deployed.
 *
 * <p>A call id runs at most once in a worker process: a request whose {@value Wire#CALL_ID} is
 * running attaches to that call, and one whose id finished lately is answered with the kept
 * outcome ({@link KeptOutcomes}). That is what lets a caller whose reply was lost on the way send
 * the call again without running it twice.
 *
 * <p>Thread-safe: requests are answered on virtual threads, one each, sharing the in-flight
 * table and the kept outcomes (both safe for concurrent use); {@link #start} is called once,
 * before any request.
 */
final class Worker {
  private static final int MAX_BODY = 64 << 20;
  private static final Duration DEFAULT_TIMEOUT = FunctionInfo.defaultTimeout();
  private static final Duration MAX_TIMEOUT = Duration.ofHours(24);
  /**
   * How long a call whose first reply could not be written keeps running, waiting for a resend
   * to attach to it, before it is cancelled as unwanted. The failed write may mean the caller is
   * gone, or only its connection (the caller then resends within moments).
   */
  private static final Duration RESEND_GRACE = Duration.ofSeconds(5);
  /** How long a reply stays silent before the worker writes a ping on it (to learn whether its caller is still there). */
  static final Duration HEARTBEAT = Duration.ofSeconds(1);

  /** One way to run a callable: a method, (for a class) the instance, and (for a streamed result) its element type. */
  private record Target(Method method, Object instance, DirectFunction fn, Type[] params, Type output,
      Optional<Type> items) {}

  record Health(String service, int replica, long pid, String target, List<String> callables, int inFlight,
      long uptimeMs, long idleMs, long blockedLoopReports) {}

  private final ServiceSpec spec;
  private final int replica;
  private final byte[] token;
  private final Optional<Duration> ttl;
  private final Map<String, List<Target>> callables;
  private final Engine engine;
  /** Calls running, by call id; a call leaves it only once its outcome is in {@link #kept}. */
  private final Map<String, WorkerCall> inFlight = new ConcurrentHashMap<>();
  private final KeptOutcomes kept = KeptOutcomes.standard();
  /** Which call's code is running on which event-loop thread, to attribute blocked-loop reports. */
  private final Map<String, WorkerCall> onLoops = new ConcurrentHashMap<>();
  private final AtomicInteger running = new AtomicInteger();
  private final long startedNanos = System.nanoTime();
  private volatile long lastActivityNanos = System.nanoTime();
  private volatile long blockedReports;
  private HttpServer server;
  private Runnable onStop = () -> {};

  Worker(ServiceSpec spec, int replica, String token, Optional<Duration> ttl, int eventLoops) throws Exception {
    this.spec = spec;
    this.replica = replica;
    this.token = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    this.ttl = ttl;
    this.engine = new Engine(new EngineConfig(eventLoops, Duration.ofMillis(100), false, this::blockedLoop,
        new InMemoryJournal()));
    this.callables = load(spec);
  }

  /** Binds to an ephemeral loopback port and starts answering plain HTTP; returns the port. */
  int start(Runnable onStop) throws IOException {
    return start(onStop, InetAddress.getLoopbackAddress(), 0, Optional.empty());
  }

  /**
   * Binds to {@code port} of {@code address} (0 for an ephemeral one) and starts answering, over
   * TLS if given; returns the port.
   */
  int start(Runnable onStop, InetAddress address, int port, Optional<javax.net.ssl.SSLContext> tls) throws IOException {
    this.onStop = onStop;
    if (tls.isPresent()) {
      com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(new InetSocketAddress(address, port), 256);
      https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls.get()));
      server = https;
    } else {
      server = HttpServer.create(new InetSocketAddress(address, port), 256);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
    Thread.ofPlatform().daemon().name("weft-worker-watch").start(this::watch);
    return server.getAddress().getPort();
  }

  // ---- loading what was deployed ----

  private static Map<String, List<Target>> load(ServiceSpec spec) throws Exception {
    ClassLoader loader = ClassLoader.getSystemClassLoader();
    Class<?> type = Class.forName(spec.className(), true, loader);
    Class<?>[] params = new Class<?>[spec.parameterTypes().size()];
    for (int i = 0; i < params.length; i++) {
      String n = spec.parameterTypes().get(i);
      Class<?> p = Wire.primitive(n);
      params[i] = p != null ? p : Class.forName(n, false, loader);
    }
    Map<String, List<Target>> out = new LinkedHashMap<>();
    if (spec.kind() == ServiceSpec.Kind.FUNCTION) {
      Method m = type.getDeclaredMethod(spec.member(), params);
      if (!Modifier.isStatic(m.getModifiers())) {
        throw new IllegalStateException(m + " is not static; deploy its class with Remote.cls instead");
      }
      m.setAccessible(true);
      out.put(spec.callable(), List.of(target(m, null, spec.callable())));
      return out;
    }
    Constructor<?> ctor = type.getDeclaredConstructor(params);
    ctor.setAccessible(true);
    Object[] initArgs = Wire.CODEC.decodeArgs(spec.initArgs(), ctor.getGenericParameterTypes());
    Object instance;
    try {
      instance = ctor.newInstance(initArgs);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(type.getName() + "'s constructor failed: " + e.getCause(), e.getCause());
    }
    for (Method m : ServiceMethods.of(type)) {
      m.setAccessible(true);
      out.computeIfAbsent(m.getName(), k -> new ArrayList<>()).add(target(m, instance, type.getSimpleName() + "." + m.getName()));
    }
    return out;
  }

  private static Target target(Method m, Object instance, String name) {
    Optional<Type> items = Wire.streamedItems(m);
    // A streamed result's items go out as they come; its outcome says only that it ended.
    return new Target(m, instance, DirectFunction.of(m, name), m.getGenericParameterTypes(),
        items.isPresent() ? Void.class : Wire.outputType(m), items);
  }

  // ---- HTTP ----

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!authorized(ex)) {
        reply(ex, 401, "unauthorized", "this worker needs 'Authorization: Bearer <token>' with the service's token");
        return;
      }
      String path = ex.getRequestURI().getRawPath();
      String method = ex.getRequestMethod();
      if (path.startsWith(Wire.CALLS) && method.equals("POST")) {
        call(ex, Wire.callable(path.substring(Wire.CALLS.length())));
      } else if (path.startsWith(Wire.CALLS) && method.equals("DELETE")) {
        WorkerCall c = inFlight.get(Wire.callable(path.substring(Wire.CALLS.length())));
        if (c == null) {
          reply(ex, 404, "unknown_call", "no call with that id is running here");
        } else {
          c.cancel();
          reply(ex, 202, "cancelled", "cancelling");
        }
      } else if (path.equals(Wire.HEALTH) && method.equals("GET")) {
        byte[] body = Wire.CODEC.encodeToBytes(health(), Health.class);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
      } else if (path.equals(Wire.SHUTDOWN) && method.equals("POST")) {
        reply(ex, 202, "stopping", "stopping");
        ex.close(); // the reply must be out before the process halts, or the caller sees a lost reply
        Thread.ofPlatform().start(() -> stop("torn down"));
      } else {
        reply(ex, 404, "not_found", "no route " + method + " " + path + "; a worker serves POST " + Wire.CALLS
            + "{callable}, DELETE " + Wire.CALLS + "{callId}, GET " + Wire.HEALTH + " and POST " + Wire.SHUTDOWN);
      }
    }
  }

  private boolean authorized(HttpExchange ex) {
    String given = ex.getRequestHeaders().getFirst("Authorization");
    return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token);
  }

  Health health() {
    long now = System.nanoTime();
    return new Health(spec.name(), replica, ProcessHandle.current().pid(), spec.target(),
        List.copyOf(new TreeSet<>(callables.keySet())), running.get(), (now - startedNanos) / 1_000_000,
        running.get() > 0 ? 0 : (now - lastActivityNanos) / 1_000_000, blockedReports);
  }

  private void call(HttpExchange ex, String callable) throws IOException {
    List<Target> targets = callables.get(callable);
    if (targets == null) {
      reply(ex, 404, "unknown_function", "service '" + spec.name() + "' does not serve '" + callable
          + "'; it serves " + new TreeSet<>(callables.keySet()) + " (only what was deployed to it can be called)");
      return;
    }
    String body;
    try (InputStream in = ex.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_BODY + 1);
      if (bytes.length > MAX_BODY) {
        reply(ex, 413, "too_large", "arguments over " + (MAX_BODY >> 20) + " MiB; pass a reference (a path, a URL) instead");
        return;
      }
      body = new String(bytes, StandardCharsets.UTF_8);
    }
    Target target = null;
    Object[] args = null;
    TransportException bad = null;
    for (Target t : targets) {
      try {
        args = Wire.CODEC.decodeArgs(body, t.params());
        target = t;
        break;
      } catch (TransportException e) {
        bad = bad == null ? e : bad;
      }
    }
    if (target == null) {
      reply(ex, 400, "bad_arguments", callable + ": " + bad.getMessage());
      return;
    }
    Duration timeout;
    try {
      String t = ex.getRequestHeaders().getFirst(Wire.TIMEOUT);
      timeout = t == null ? DEFAULT_TIMEOUT : Duration.ofMillis(Long.parseLong(t));
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      reply(ex, 400, "bad_timeout", Wire.TIMEOUT + " must be a whole number of milliseconds in 1.." + MAX_TIMEOUT.toMillis());
      return;
    }
    String id = ex.getRequestHeaders().getFirst(Wire.CALL_ID);
    boolean logs = "1".equals(ex.getRequestHeaders().getFirst(Wire.LOGS));
    WorkerCall call = new WorkerCall(id != null ? id : java.util.UUID.randomUUID().toString(), logs, id != null);
    WorkerCall earlier = inFlight.putIfAbsent(call.id, call);
    if (earlier != null) {
      // A resend of a call still running here (its first reply was lost, or is still coming):
      // wait for that call rather than run it again.
      earlier.attach();
      answerWithOutcome(ex, earlier);
      return;
    }
    String outcome = call.resendable ? kept.get(call.id) : null;
    if (outcome != null) {
      // A resend of a call that finished here. It is looked up only after this request holds the
      // id in inFlight: a finishing call is kept before it leaves inFlight, so a resend finds it
      // in one or the other. Resends that attached to this placeholder meanwhile get the same.
      call.finish(outcome);
      inFlight.remove(call.id, call);
      answerWithOutcome(ex, call);
      return;
    }
    run(target, args, timeout, call, ex.getRequestHeaders()::getFirst);
    respond(ex, call);
  }

  /** Starts a call that holds its id in {@link #inFlight}. */
  private void run(Target target, Object[] args, Duration timeout, WorkerCall call,
      java.util.function.Function<String, String> header) {
    running.incrementAndGet();
    lastActivityNanos = System.nanoTime();
    Future<Object> f;
    try {
      f = target.fn().start(engine, args, timeout, a -> invoke(target, a, call), header);
    } catch (RuntimeException e) {
      finish(call, target, null, e);
      return;
    }
    call.started(f);
    f.whenComplete((value, failure) -> finish(call, target, value, failure));
  }

  private Object invoke(Target target, Object[] args, WorkerCall call) throws Exception {
    WorkerCall outer = WorkerCall.CURRENT.get();
    String thread = Thread.currentThread().getName();
    boolean loop = target.fn().onLoop();
    WorkerCall.CURRENT.set(call);
    if (loop) {
      onLoops.put(thread, call);
    }
    try {
      Object value = target.method().invoke(target.instance(), args);
      if (target.items().isPresent()) {
        streamItems((Stream<?>) value, target.items().get(), call);
        return null;
      }
      return value;
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception x) {
        throw x;
      }
      throw (Error) cause;
    } finally {
      if (loop) {
        onLoops.remove(thread, call);
      }
      WorkerCall.CURRENT.set(outer);
    }
  }

  /**
   * Sends a streamed result's items as the stream makes them, on the call's thread, and closes the
   * stream: at its end, when an item fails, or when the call is cancelled (its thread interrupted,
   * which the next item notices even if the stream itself never blocks).
   */
  private static void streamItems(Stream<?> stream, Type itemType, WorkerCall call) throws InterruptedException {
    if (stream == null) {
      return;
    }
    try (stream) {
      Iterator<?> it = stream.iterator();
      while (it.hasNext()) {
        call.item(Wire.ITEM + Wire.CODEC.encode(it.next(), itemType));
      }
    }
  }

  private void finish(WorkerCall call, Target target, Object value, Throwable failure) {
    String outcome;
    if (failure == null) {
      try {
        outcome = Wire.VALUE + (Wire.isVoid(target.output()) ? "null" : Wire.CODEC.encode(value, target.output()));
      } catch (RuntimeException e) {
        outcome = error(e);
      }
    } else {
      outcome = error(failure);
    }
    running.decrementAndGet();
    lastActivityNanos = System.nanoTime();
    call.finish(outcome);
    try {
      if (call.resendable && !kept.keep(call.id, outcome)) {
        kept.keep(call.id, tooLargeToKeep(call, outcome));
      }
    } finally {
      // Only now, once kept: a resend arriving in between must not find the id unknown and run it again.
      inFlight.remove(call.id, call);
    }
  }

  /**
   * What a resend of a call whose outcome was too long to keep gets instead: a failure saying so.
   * Something must be kept, since an id this worker does not know would run the call again.
   */
  private String tooLargeToKeep(WorkerCall call, String outcome) {
    return error(new ServiceUnavailableException("call " + call.id + " ran on " + spec.name() + "/" + replica
        + " (pid " + ProcessHandle.current().pid() + "), but its reply was lost and its outcome (" + outcome.length()
        + " characters) is over the " + kept.maxOutcomeChars() + " a worker keeps to answer a resend with"));
  }

  private static String error(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return Wire.ERROR + Wire.CODEC.encode(ErrorPayload.of(t), ErrorPayload.class);
  }

  /**
   * The first reply to a call. One that ends before its first {@link #HEARTBEAT} with no logs
   * asked for gets its outcome alone, with a fixed length. Otherwise the reply streams: the log
   * lines as they come, a {@value Wire#PING} line after each heartbeat without one (added by
   * {@link #watch}), then the outcome. The pings are how a worker learns that a caller went
   * away without a word (its process died): writing to its connection fails, and the call is then
   * stopped ({@link #cancelUnlessResent}) instead of running to its deadline for nobody.
   */
  private void respond(HttpExchange ex, WorkerCall call) throws IOException {
    try {
      String event = call.nextEvent();
      if (!call.wantsLogs && WorkerCall.isOutcome(event)) {
        sendOutcome(ex, event);
        return;
      }
      ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      while (true) {
        try {
          out.write((event + "\n").getBytes(StandardCharsets.UTF_8));
          if (WorkerCall.isOutcome(event) || !call.hasEvents()) {
            out.flush(); // lines already waiting go out together, in one chunk
          }
        } catch (IOException e) {
          call.dropLogs();
          cancelUnlessResent(call);
          throw e;
        }
        if (WorkerCall.isOutcome(event)) {
          return;
        }
        if (WorkerCall.isItem(event)) {
          call.itemWritten();
        }
        event = call.nextEvent();
      }
    } catch (InterruptedException e) {
      call.cancel();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The worker's one periodic thread: a ping for every running call whose reply has been silent
   * for a {@link #HEARTBEAT}, so that a reply's thread waits without a timer (a timed wait per call
   * costs the short calls, which are most of them); and the stop once the worker has been idle for
   * its inactivity TTL. It ticks every heartbeat, or more often when a short TTL needs it.
   */
  private void watch() {
    long silence = HEARTBEAT.toNanos();
    long ttlNanos = ttl.map(Duration::toNanos).orElse(Long.MAX_VALUE);
    long tick = Math.max(Math.min(ttlNanos / 4, silence), 10_000_000L);
    while (true) {
      try {
        Thread.sleep(Duration.ofNanos(tick));
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (WorkerCall call : inFlight.values()) {
        call.pingIfSilent(now, silence);
      }
      if (running.get() == 0 && now - lastActivityNanos > ttlNanos) {
        stop("idle for " + ttl.orElseThrow() + " (its inactivity TTL)");
        return;
      }
    }
  }

  /**
   * The reply to a resend: the outcome line alone, with a fixed length. The log lines went to the
   * first reply, or were lost with it; they are not replayed.
   */
  private void answerWithOutcome(HttpExchange ex, WorkerCall call) throws IOException {
    String outcome;
    try {
      outcome = call.awaitOutcome();
    } catch (InterruptedException e) {
      // Only this reply is abandoned: the call belongs to the request that started it.
      Thread.currentThread().interrupt();
      return;
    }
    sendOutcome(ex, outcome);
  }

  private static void sendOutcome(HttpExchange ex, String outcome) throws IOException {
    byte[] body = (outcome + "\n").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(200, body.length);
    ex.getResponseBody().write(body);
  }

  /**
   * The first reply of a call could not be written: its caller is gone and nobody wants the
   * result, or only its connection is and the caller sends the call again. The call is
   * cancelled after {@link #RESEND_GRACE} unless a resend attached to it by then.
   */
  private void cancelUnlessResent(WorkerCall call) {
    Thread.ofVirtual().name("weft-resend-grace").start(() -> {
      try {
        Thread.sleep(RESEND_GRACE);
      } catch (InterruptedException e) {
        return;
      }
      if (!call.attached()) {
        call.cancel();
      }
    });
  }

  private static void reply(HttpExchange ex, int status, String code, String message) throws IOException {
    byte[] body = Wire.CODEC.encodeToBytes(Map.of("code", code, "message", message), Map.class);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, body.length);
    ex.getResponseBody().write(body);
  }

  // ---- lifetime ----

  private void blockedLoop(BlockedEventLoopException report) {
    blockedReports++;
    report.threadName().map(onLoops::get).ifPresent(c -> c.log("[weft] " + report.getMessage()));
  }

  void stop(String why) {
    System.err.println("weft worker " + spec.name() + "/" + replica + " stopping: " + why);
    inFlight.values().forEach(WorkerCall::cancel);
    try {
      onStop.run();
    } finally {
      if (server != null) {
        server.stop(0);
      }
      engine.close();
      Runtime.getRuntime().halt(0);
    }
  }
}
