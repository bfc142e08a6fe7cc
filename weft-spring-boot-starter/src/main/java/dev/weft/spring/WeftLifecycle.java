package dev.weft.spring;

import dev.weft.Application;
import dev.weft.Applications;
import dev.weft.WeftRuntime;
import dev.weft.journal.Journal;
import dev.weft.server.WeftServer;
import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.util.ReflectionUtils;

/**
 * Starts and stops Weft with the Spring context. At start, once every singleton exists: finds the
 * beans whose class declares {@link Application} methods, serves them with the embedded Weft
 * server ({@code weft.server.*}; its port is published as {@code local.weft.server.port}) and
 * resumes the requests the journal holds as running (the server does it when it starts; without a
 * server, this does); on PostgreSQL, starts this instance's fleet node. At stop: closes the server
 * (no new requests over HTTP), closes the runtime gracefully, waiting up to {@code
 * weft.shutdown-timeout} for running requests to end, so that those still running stay journaled
 * as running and resume at the next start; then stops the fleet node.
 *
 * <p>Its phase puts its stop after Spring's own web server has stopped (and its start before), so
 * a controller that submits requests is never refused during a graceful shutdown. Spring calls
 * {@link #start()} and {@link #stop()} from one thread; {@link #server()} is safe from any thread.
 */
public final class WeftLifecycle implements SmartLifecycle {
  /** Below Spring's web server lifecycles (their phases are {@code DEFAULT_PHASE - 1024} and {@code - 2048}). */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;
  /** The property holding the embedded server's port once it listens. */
  public static final String PORT_PROPERTY = "local.weft.server.port";
  private static final String PORTS_SOURCE = "weft.server.ports";
  private static final System.Logger LOG = System.getLogger("dev.weft.spring");

  private final WeftRuntime runtime;
  private final Optional<Journal> journal;
  private final WeftProperties properties;
  private final ConfigurableListableBeanFactory beans;
  private final ConfigurableEnvironment environment;
  private volatile Optional<WeftServer> server = Optional.empty();
  private volatile Applications applications = Applications.of();
  private Optional<AutoCloseable> fleet = Optional.empty();
  private volatile boolean running;

  WeftLifecycle(WeftRuntime runtime, Optional<Journal> journal, WeftProperties properties,
      ConfigurableListableBeanFactory beans, ConfigurableEnvironment environment) {
    this.runtime = runtime;
    this.journal = journal;
    this.properties = properties;
    this.beans = beans;
    this.environment = environment;
  }

  /** The embedded Weft server while it runs; empty before start, after stop, or when not enabled. */
  public Optional<WeftServer> server() {
    return server;
  }

  /** The applications of the context's beans, found at start; none before. */
  public Applications applications() {
    return applications;
  }

  @Override
  public void start() {
    Applications found = Applications.ofInstances(applicationBeans());
    applications = found;
    if (found.all().isEmpty()) {
      LOG.log(Level.INFO, "no bean declares an @Application method: Weft serves nothing over HTTP");
    } else if (properties.getServer().isEnabled()) {
      server = Optional.of(startServer(found)); // resumes the unfinished requests of these applications
    } else {
      runtime.resumeUnfinished(found);
    }
    if (journal.isPresent() && Journals.postgresPresent()) {
      try {
        fleet = Fleet.start(journal.get(), runtime, found, server.map(WeftServer::uri), properties);
      } catch (RuntimeException e) {
        server.ifPresent(WeftServer::close); // Spring stops only lifecycles that started: release the port now
        server = Optional.empty();
        throw e;
      }
    }
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    server.ifPresent(WeftServer::close);
    server = Optional.empty();
    List<String> left = runtime.close(properties.getShutdownTimeout());
    if (!left.isEmpty()) {
      LOG.log(Level.INFO, left.size() + " request(s) still running after the shutdown timeout (weft.shutdown-timeout, "
          + properties.getShutdownTimeout().toMillis() + " ms) stay journaled as running and resume at the next start: "
          + left);
    }
    fleet.ifPresent(WeftLifecycle::closeQuietly); // releases the leases of what was left: other instances resume it
    fleet = Optional.empty();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  private WeftServer startServer(Applications apps) {
    WeftProperties.Server s = properties.getServer();
    Journal j = journal.orElseThrow(() -> new IllegalStateException("the embedded Weft server reads requests from "
        + "the journal, and this context has a WeftRuntime bean but no Journal bean: define the journal that runtime "
        + "was built with as a bean too, or set weft.server.enabled=false"));
    WeftServer.Builder builder = WeftServer.builder().applications(apps).runtime(runtime).journal(j)
        .withoutMetrics(); // metrics go to Spring's MeterRegistry and its /actuator/metrics
    try {
      builder.host(s.getHost());
      if (s.getPort() == 0) {
        builder.anyFreePort();
      } else {
        builder.port(s.getPort());
      }
      if (s.getToken() != null && !s.getToken().isEmpty()) {
        builder.bearerToken(s.getToken());
      }
      if (s.getTlsCertificate() != null && s.getTlsKey() != null) {
        builder.tls(s.getTlsCertificate(), s.getTlsKey());
      }
      if (s.isInsecure()) {
        builder.insecure();
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("invalid weft.server settings: " + e.getMessage(), e);
    }
    WeftServer started;
    try {
      started = builder.start();
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot start the embedded Weft server on weft.server.host=" + s.getHost()
          + ", weft.server.port=" + s.getPort() + ": " + e.getMessage()
          + " (choose another port, 0 for any free one, or set weft.server.enabled=false)", e);
    }
    publishPort(started.port());
    LOG.log(Level.INFO, () -> "Weft serves " + apps.all().size() + " application(s) at " + started.uri() + " "
        + apps.all().stream().map(Applications.Entry::name).toList());
    return started;
  }

  /** Like Spring's {@code local.server.port}: tests and clients read where the server listens. */
  @SuppressWarnings("unchecked")
  private void publishPort(int port) {
    PropertySource<?> source = environment.getPropertySources().get(PORTS_SOURCE);
    if (source == null) {
      source = new MapPropertySource(PORTS_SOURCE, new HashMap<>());
      environment.getPropertySources().addFirst(source);
    }
    ((Map<String, Object>) source.getSource()).put(PORT_PROPERTY, port);
  }

  /** The singletons whose class declares an @Application method, as Spring made them (proxies included). */
  private List<Object> applicationBeans() {
    List<Object> found = new ArrayList<>();
    for (String name : beans.getBeanDefinitionNames()) {
      if (ScopedProxyUtils.isScopedTarget(name)) {
        continue;
      }
      BeanDefinition definition = beans.getMergedBeanDefinition(name);
      if (definition.isAbstract() || !definition.isSingleton()) {
        continue;
      }
      Class<?> type = AutoProxyUtils.determineTargetClass(beans, name);
      if (type == null) {
        continue;
      }
      List<Method> methods = new ArrayList<>();
      ReflectionUtils.doWithMethods(type, methods::add, m -> m.isAnnotationPresent(Application.class));
      if (methods.isEmpty()) {
        continue;
      }
      Object bean = beans.getBean(name);
      if (AopUtils.isJdkDynamicProxy(bean)) {
        throw new IllegalStateException("bean '" + name + "' declares @Application methods but is an interface-based "
            + "proxy, on which Weft cannot call them: let Spring proxy its class (spring.aop.proxy-target-class=true, "
            + "the default)");
      }
      for (Method m : methods) {
        AopUtils.selectInvocableMethod(m, bean.getClass()); // says what to change if a proxy cannot run it
      }
      found.add(bean);
    }
    return found;
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.log(Level.WARNING, "could not stop the Weft fleet node cleanly", e);
    }
  }
}
