package dev.weft.kubernetes;

import dev.weft.remote.Compute;
import dev.weft.remote.DeploymentException;
import dev.weft.remote.ServiceSpec;
import dev.weft.transport.JsonCodec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a service is made of on the cluster: a Deployment of worker pods, a Service in front of
 * them and a Secret holding the worker token and the spec, all named after the service and
 * labelled with it, and how to read them back. Pure functions of their inputs; no API calls.
 */
final class Manifests {
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  static final String WEFT = "weft";
  /** The service name, on every object and pod: what {@code find} selects by. */
  static final String SERVICE = "weft.dev/service";
  /** What the service runs, label-safe ({@code Numbers.twice}); the exact target is in {@link #TARGET_ANNOTATION}. */
  static final String TARGET = "weft.dev/target";
  /** One deployment of a name: tells its pods from those of an earlier one still shutting down. */
  static final String INSTANCE = "weft.dev/instance";
  static final String TARGET_ANNOTATION = "weft.dev/target";
  static final String CLASS_ANNOTATION = "weft.dev/class";
  static final String TTL_ANNOTATION = "weft.dev/inactivity-ttl";
  static final String LAUNCH_TIMEOUT_ANNOTATION = "weft.dev/launch-timeout";
  /** When the deploy that made it returned (services with a TTL only): from then on it may be reaped. */
  static final String DEPLOYED_AT_ANNOTATION = "weft.dev/deployed-at";
  /**
   * On a pod: the port its worker listens on, when it is not the container port (only where pods
   * share one network, as on a test machine; a cluster never sets it).
   */
  static final String PORT_ANNOTATION = "weft.dev/port";

  static final String CONTAINER = "worker";
  static final int WORKER_PORT = 8080;
  static final int PROBE_PORT = 8081;
  static final String READY_PATH = "/ready";
  static final String TOKEN_KEY = "token";
  static final String SPEC_KEY = "spec";
  static final String GPU = "nvidia.com/gpu";

  /** Environment the worker's container reads (see {@link KubernetesWorker}). */
  static final String TOKEN_ENV = "WEFT_WORKER_TOKEN";
  static final String SPEC_ENV = "WEFT_SERVICE_SPEC";
  static final String PORT_ENV = "WEFT_WORKER_PORT";
  static final String PROBE_PORT_ENV = "WEFT_PROBE_PORT";
  static final String BIND_ENV = "WEFT_WORKER_BIND";
  static final String INSECURE_ENV = "WEFT_WORKER_INSECURE";
  /** Besides {@code WEFT_WORKER_*}: what else the worker reads from its environment. */
  private static final Set<String> RESERVED_ENV = Set.of(SPEC_ENV, PROBE_PORT_ENV);

  private static final JsonCodec JSON = JsonCodec.standard();
  private static final Pattern LABEL_UNSAFE = Pattern.compile("[^A-Za-z0-9_.-]");

  /** How the worker container starts inside the image. */
  record Image(String reference, String java, String classPath) {}

  private Manifests() {}

  /** The labels every object of service {@code name} carries. */
  static Map<String, String> labels(ServiceSpec spec) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, WEFT);
    labels.put(SERVICE, spec.name());
    labels.put(TARGET, labelValue(spec.kind() == ServiceSpec.Kind.FUNCTION ? spec.callable() : spec.className()));
    return labels;
  }

  /**
   * The Deployment: {@code compute.replicas()} worker pods of {@code image}, resources from the
   * compute's CPUs, memory and GPUs, the token and spec from the Secret, a readiness probe on the
   * worker's health.
   *
   * @throws DeploymentException if the compute's environment sets a variable the worker needs for itself
   */
  static Deployment deployment(ServiceSpec spec, Compute compute, Image image, String instance) {
    Map<String, String> labels = labels(spec);
    Map<String, String> podLabels = new LinkedHashMap<>(labels);
    podLabels.put(INSTANCE, instance);
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(TARGET_ANNOTATION, spec.target());
    annotations.put(CLASS_ANNOTATION, spec.className());
    annotations.put(LAUNCH_TIMEOUT_ANNOTATION, compute.launchTimeout().toString());
    compute.inactivityTtl().ifPresent(ttl -> annotations.put(TTL_ANNOTATION, ttl.toString()));
    return new DeploymentBuilder()
        .withNewMetadata().withName(spec.name()).withLabels(labels).withAnnotations(annotations).endMetadata()
        .withNewSpec()
          .withReplicas(compute.replicas())
          .withNewSelector().withMatchLabels(Map.of(SERVICE, spec.name(), INSTANCE, instance)).endSelector()
          .withNewTemplate()
            .withNewMetadata().withLabels(podLabels).endMetadata()
            .withNewSpec()
              // Workers call no Kubernetes API: no token of the pod's service account in them.
              .withAutomountServiceAccountToken(false)
              .withContainers(container(spec, compute, image))
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }

  private static Container container(ServiceSpec spec, Compute compute, Image image) {
    List<String> command = new ArrayList<>();
    command.add(image.java());
    command.add("-XX:ActiveProcessorCount=" + (int) Math.ceil(compute.cpus()));
    boolean heapSet = compute.jvmOptions().stream().anyMatch(o -> o.startsWith("-Xmx") || o.startsWith("-XX:MaxRAM"));
    if (compute.memoryBytes() > 0 && !heapSet) {
      // The container's memory limit is the whole process: leave room beyond the heap.
      command.add("-XX:MaxRAMPercentage=75");
    }
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-Dweft.worker=" + spec.name());
    command.addAll(compute.jvmOptions());
    command.add("-cp");
    command.add(image.classPath());
    command.add(KubernetesWorker.class.getName());

    List<EnvVar> env = new ArrayList<>();
    for (Map.Entry<String, String> e : compute.env().entrySet()) {
      if (e.getKey().startsWith("WEFT_WORKER_") || RESERVED_ENV.contains(e.getKey())) {
        throw new DeploymentException("Compute.env sets " + e.getKey() + ", which the Kubernetes back end sets for the"
            + " worker itself (service '" + spec.name() + "'); remove it");
      }
      env.add(new EnvVar(e.getKey(), e.getValue(), null));
    }
    env.add(fromSecret(TOKEN_ENV, spec.name(), TOKEN_KEY));
    env.add(fromSecret(SPEC_ENV, spec.name(), SPEC_KEY));
    env.add(new EnvVar(PORT_ENV, Integer.toString(WORKER_PORT), null));
    env.add(new EnvVar(PROBE_PORT_ENV, Integer.toString(PROBE_PORT), null));
    env.add(new EnvVar(BIND_ENV, "0.0.0.0", null));
    // Pod to pod traffic is plain inside the cluster (as for any Service without a mesh); every
    // request still carries the service's token.
    env.add(new EnvVar(INSECURE_ENV, "true", null));

    Map<String, Quantity> requests = new LinkedHashMap<>();
    Map<String, Quantity> limits = new LinkedHashMap<>();
    requests.put("cpu", cpu(compute.cpus()));
    if (compute.memoryBytes() > 0) {
      requests.put("memory", memory(compute.memoryBytes()));
      limits.put("memory", memory(compute.memoryBytes()));
    }
    if (compute.gpus() > 0) {
      limits.put(GPU, new Quantity(Integer.toString(compute.gpus())));
    }
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(image.reference())
        .withCommand(command)
        .withEnv(env)
        .addNewPort().withName("worker").withContainerPort(WORKER_PORT).withProtocol("TCP").endPort()
        .addNewPort().withName("probe").withContainerPort(PROBE_PORT).withProtocol("TCP").endPort()
        .withNewResources().withRequests(requests).withLimits(limits).endResources()
        .withNewReadinessProbe()
          .withNewHttpGet().withPath(READY_PATH).withPort(new IntOrString("probe")).endHttpGet()
          .withPeriodSeconds(2).withFailureThreshold(2).withTimeoutSeconds(3)
        .endReadinessProbe()
        // A worker that cannot start says why on its output: the kubelet copies the end of it
        // into the container's status, where deploy reads it.
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .build();
  }

  private static EnvVar fromSecret(String env, String secret, String key) {
    return new EnvVarBuilder().withName(env).withNewValueFrom().withNewSecretKeyRef().withName(secret).withKey(key)
        .endSecretKeyRef().endValueFrom().build();
  }

  /** The Secret: the worker token and the spec (whose constructor arguments may be secret too). */
  static Secret secret(ServiceSpec spec, String token, Deployment owner) {
    Base64.Encoder b64 = Base64.getEncoder();
    return new SecretBuilder()
        .withNewMetadata().withName(spec.name()).withLabels(labels(spec)).withOwnerReferences(ownedBy(owner)).endMetadata()
        .withType("Opaque")
        .withData(Map.of(
            TOKEN_KEY, b64.encodeToString(token.getBytes(StandardCharsets.UTF_8)),
            SPEC_KEY, b64.encodeToString(JSON.encode(spec, ServiceSpec.class).getBytes(StandardCharsets.UTF_8))))
        .build();
  }

  /** The Service: a stable name for the pods inside the cluster (callers of this back end address pods directly). */
  static Service service(ServiceSpec spec, Deployment owner) {
    return new ServiceBuilder()
        .withNewMetadata().withName(spec.name()).withLabels(labels(spec)).withOwnerReferences(ownedBy(owner)).endMetadata()
        .withNewSpec()
          .withSelector(owner.getSpec().getSelector().getMatchLabels())
          .addNewPort().withName("worker").withPort(WORKER_PORT).withTargetPort(new IntOrString("worker")).endPort()
        .endSpec()
        .build();
  }

  /** So that deleting the Deployment by hand ({@code kubectl delete deployment}) removes the rest too. */
  private static OwnerReference ownedBy(Deployment owner) {
    return new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
        .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid()).build();
  }

  /** A Secret's value under {@code key}, from its data (base64) or, as a test server may keep it, its string data. */
  static Optional<String> secretValue(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().containsKey(key)) {
      return Optional.of(new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8));
    }
    return Optional.ofNullable(secret.getStringData()).map(d -> d.get(key));
  }

  static ServiceSpec spec(String json) {
    return (ServiceSpec) JSON.decode(json, ServiceSpec.class);
  }

  static boolean managedByWeft(HasMetadata o) {
    return o != null && o.getMetadata().getLabels() != null && WEFT.equals(o.getMetadata().getLabels().get(MANAGED_BY));
  }

  static String annotation(HasMetadata o, String key) {
    Map<String, String> a = o.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  static Optional<Duration> duration(HasMetadata o, String key) {
    String value = annotation(o, key);
    try {
      return value == null ? Optional.empty() : Optional.of(Duration.parse(value));
    } catch (DateTimeParseException e) {
      return Optional.empty(); // edited by hand into something else: as if absent
    }
  }

  /** {@code 0.5} → {@code 500m}, {@code 2} → {@code 2}: the form {@code kubectl} shows. */
  static Quantity cpu(double cpus) {
    long milli = Math.round(cpus * 1000);
    return new Quantity(milli % 1000 == 0 ? Long.toString(milli / 1000) : milli + "m");
  }

  /** Bytes in the largest binary unit that divides them: {@code 1Gi}, {@code 384Mi}, else bytes. */
  static Quantity memory(long bytes) {
    String[] units = {"Ti", "Gi", "Mi", "Ki"};
    for (int i = 0; i < units.length; i++) {
      long unit = 1L << (10 * (4 - i));
      if (bytes % unit == 0) {
        return new Quantity(bytes / unit + units[i]);
      }
    }
    return new Quantity(new BigDecimal(bytes).toPlainString());
  }

  /**
   * A label value (at most 63 of {@code A-Z a-z 0-9 - _ .}, alphanumeric at both ends) naming
   * {@code text}: other characters become {@code _}, and a long name keeps its end (the class).
   */
  static String labelValue(String text) {
    String s = LABEL_UNSAFE.matcher(text).replaceAll("_");
    if (s.length() > 63) {
      s = s.substring(s.length() - 63);
    }
    s = s.replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
    return s;
  }
}
