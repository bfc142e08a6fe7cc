package dev.weft.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code weft kube manifests}: prints the Kubernetes objects that run a fleet of Weft nodes on
 * PostgreSQL (a Deployment, its Service and a PodDisruptionBudget), as YAML for {@code kubectl
 * apply -f -}. Writes nothing to a cluster and needs none.
 */
@Command(
    name = "kube",
    description = "Run Weft on Kubernetes.",
    subcommands = KubeCommand.Manifests.class)
final class KubeCommand {

  /** The container port every node listens on. */
  static final int PORT = 8080;
  /** Probe paths of the server's health endpoint (always served, without a token). */
  static final String LIVENESS_PATH = "/health/live";
  static final String READINESS_PATH = "/health/ready";

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern CPU = Pattern.compile("([0-9]+(\\.[0-9]+)?|[0-9]+m)");
  private static final Pattern MEMORY = Pattern.compile("[0-9]+(Ki|Mi|Gi|Ti|K|M|G|T)?");
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private KubeCommand() {}

  @Command(
      name = "manifests",
      description = {
        "Print YAML for a fleet of Weft nodes on Kubernetes: a Deployment (probes on the health endpoint, resource "
            + "requests, the PostgreSQL URL and the bearer token from Secrets), a Service and a PodDisruptionBudget.",
        "The image must hold your applications and have Weft's command line as its entry point "
            + "(docs/KUBERNETES.md shows a Jib set-up that makes one)."
      },
      footer = {
        "%nExample:",
        "  kubectl create secret generic weft-db --from-literal=url='postgresql://pg:5432/weft?user=weft&password=...'",
        "  kubectl create secret generic weft-token --from-literal=token=\"$(openssl rand -hex 24)\"",
        "  weft kube manifests --image registry.example.com/orders:1.4 --db-secret weft-db | kubectl apply -f -"
      },
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:printed", "2:wrong options"})
  static final class Manifests implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--image", required = true, paramLabel = "<ref>",
        description = "The container image of the nodes: your applications plus Weft, entry point Weft's command line.")
    String image;

    @Option(names = "--db-secret", required = true, paramLabel = "<name>",
        description = "The Secret that holds the PostgreSQL URL (postgresql://host:5432/db?user=u&password=p).")
    String dbSecret;

    @Option(names = "--db-secret-key", paramLabel = "<key>", defaultValue = "url",
        description = "The key of the URL in that Secret (default: ${DEFAULT-VALUE}).")
    String dbSecretKey;

    @Option(names = "--token-secret", paramLabel = "<name>", defaultValue = "weft-token",
        description = "The Secret that holds the bearer token clients send, under the key 'token' (default: ${DEFAULT-VALUE}).")
    String tokenSecret;

    @Option(names = "--tls-secret", paramLabel = "<name>",
        description = "A kubernetes.io/tls Secret: the nodes serve HTTPS with its tls.crt and tls.key. "
            + "Without it they serve plain HTTP inside the cluster (put TLS in front, at the ingress).")
    String tlsSecret;

    @Option(names = "--name", paramLabel = "<name>", defaultValue = "weft",
        description = "The name of the Deployment, Service and PodDisruptionBudget (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--namespace", paramLabel = "<ns>",
        description = "The namespace to put them in (default: the one kubectl applies to).")
    String namespace;

    @Option(names = "--replicas", paramLabel = "<n>", defaultValue = "3",
        description = "How many nodes (default: ${DEFAULT-VALUE}); the PodDisruptionBudget keeps all but one up.")
    int replicas;

    @Option(names = "--cpus", paramLabel = "<quantity>", defaultValue = "1",
        description = "CPU each node requests, as Kubernetes writes it: 1, 0.5, 500m (default: ${DEFAULT-VALUE}).")
    String cpus;

    @Option(names = "--memory", paramLabel = "<quantity>", defaultValue = "1Gi",
        description = "Memory each node requests and is limited to: 512Mi, 1Gi (default: ${DEFAULT-VALUE}).")
    String memory;

    @Option(names = "--schema", paramLabel = "<name>", defaultValue = "weft",
        description = "The fleet's schema in the database (default: ${DEFAULT-VALUE}).")
    String schema;

    @Override
    public Integer call() {
      check();
      PrintWriter out = spec.commandLine().getOut();
      out.print(yaml());
      out.flush();
      return 0;
    }

    void check() {
      label("--name", name, 50); // room for the pods' suffixes
      if (namespace != null) {
        label("--namespace", namespace, 63);
      }
      label("--db-secret", dbSecret, 253);
      label("--token-secret", tokenSecret, 253);
      if (tlsSecret != null) {
        label("--tls-secret", tlsSecret, 253);
      }
      if (!dbSecretKey.matches("[-._a-zA-Z0-9]{1,253}")) {
        throw CommandFailure.usage("--db-secret-key '" + dbSecretKey + "' is not a Secret key: use letters, digits, '-', '_' or '.'");
      }
      if (image.isBlank() || image.chars().anyMatch(Character::isWhitespace)) {
        throw CommandFailure.usage("--image '" + image + "' is not an image reference, such as registry.example.com/app:1.0");
      }
      if (replicas < 1 || replicas > 1000) {
        throw CommandFailure.usage("--replicas must be 1..1000, was " + replicas);
      }
      if (!CPU.matcher(cpus).matches() || cpus.matches("0+(\\.0+)?|0+m")) {
        throw CommandFailure.usage("--cpus '" + cpus + "' is not a CPU quantity above 0; write it as 1, 0.5 or 500m");
      }
      if (!MEMORY.matcher(memory).matches() || memory.matches("0+[A-Za-z]*")) {
        throw CommandFailure.usage("--memory '" + memory + "' is not a memory quantity above 0; write it as 512Mi or 1Gi");
      }
      if (!SCHEMA.matcher(schema).matches()) {
        throw CommandFailure.usage("--schema '" + schema + "' is not a schema name: lower-case letters, digits and '_'");
      }
    }

    private static void label(String option, String value, int max) {
      if (value.length() > max || !DNS_LABEL.matcher(value).matches()) {
        throw CommandFailure.usage(option + " '" + value + "' is not a Kubernetes name: lower-case letters, digits and '-', "
            + "starting with a letter, at most " + max + " characters");
      }
    }

    /** The server's arguments in the container (the image's entry point is Weft's command line). */
    List<String> serverArgs() {
      List<String> args = new ArrayList<>(List.of("server", "--host", "0.0.0.0", "--port", String.valueOf(PORT),
          "--schema", schema, "--node-id", "$(POD_NAME)"));
      if (tlsSecret != null) {
        args.addAll(List.of("--tls-cert", "/etc/weft/tls/tls.crt", "--tls-key", "/etc/weft/tls/tls.key"));
      } else {
        args.add("--insecure");
      }
      return args;
    }

    String yaml() {
      String labels = "    app.kubernetes.io/name: " + name + "\n    app.kubernetes.io/component: node\n";
      String meta = "metadata:\n  name: " + name + "\n" + (namespace == null ? "" : "  namespace: " + namespace + "\n")
          + "  labels:\n" + labels + "    app.kubernetes.io/managed-by: weft\n";
      String selector = "app.kubernetes.io/name: " + name + "\n";
      String scheme = tlsSecret == null ? "HTTP" : "HTTPS";
      StringBuilder y = new StringBuilder();
      y.append("# Weft nodes on PostgreSQL, printed by 'weft kube manifests'. Needs the Secrets '").append(dbSecret)
          .append("' (key ").append(dbSecretKey).append(": the PostgreSQL URL) and '").append(tokenSecret)
          .append("' (key token: the bearer token)").append(tlsSecret == null ? "" : ", and the TLS Secret '" + tlsSecret + "'")
          .append(".\n");
      if (tlsSecret == null) {
        y.append("# The nodes serve plain HTTP inside the cluster (--insecure): terminate TLS at the ingress, or use --tls-secret.\n");
      }
      y.append("apiVersion: v1\nkind: Service\n").append(meta)
          .append("spec:\n  selector:\n    ").append(selector)
          .append("  ports:\n  - name: http\n    port: ").append(tlsSecret == null ? 80 : 443)
          .append("\n    targetPort: http\n");
      y.append("---\napiVersion: apps/v1\nkind: Deployment\n").append(meta)
          .append("spec:\n  replicas: ").append(replicas).append("\n")
          .append("  selector:\n    matchLabels:\n      ").append(selector)
          .append("  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxUnavailable: 1\n      maxSurge: 1\n")
          .append("  template:\n    metadata:\n      labels:\n").append(labels.replace("    ", "        "))
          .append("    spec:\n")
          .append("      # On SIGTERM a node stops claiming, hands its leases back and leaves; others resume its requests.\n")
          .append("      terminationGracePeriodSeconds: 30\n")
          .append("      securityContext:\n        runAsNonRoot: true\n        runAsUser: 1000\n")
          .append("      containers:\n      - name: weft\n        image: ").append(quoted(image)).append("\n")
          .append("        args:\n");
      for (String a : serverArgs()) {
        y.append("        - ").append(quoted(a)).append("\n");
      }
      y.append("        env:\n")
          .append("        - name: POD_NAME\n          valueFrom:\n            fieldRef:\n              fieldPath: metadata.name\n")
          .append("        - name: WEFT_DB\n          valueFrom:\n            secretKeyRef:\n              name: ").append(dbSecret)
          .append("\n              key: ").append(quoted(dbSecretKey)).append("\n")
          .append("        - name: WEFT_TOKEN\n          valueFrom:\n            secretKeyRef:\n              name: ").append(tokenSecret)
          .append("\n              key: token\n")
          .append("        ports:\n        - name: http\n          containerPort: ").append(PORT).append("\n")
          .append("        resources:\n          requests:\n            cpu: ").append(quoted(cpus)).append("\n            memory: ")
          .append(memory).append("\n          limits:\n            memory: ").append(memory).append("\n")
          .append(probe("readinessProbe", READINESS_PATH, scheme, 5, 3))
          .append(probe("livenessProbe", LIVENESS_PATH, scheme, 10, 6));
      if (tlsSecret != null) {
        y.append("        volumeMounts:\n        - name: tls\n          mountPath: /etc/weft/tls\n          readOnly: true\n")
            .append("      volumes:\n      - name: tls\n        secret:\n          secretName: ").append(tlsSecret).append("\n");
      }
      y.append("---\napiVersion: policy/v1\nkind: PodDisruptionBudget\n").append(meta)
          .append("spec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      ").append(selector);
      return y.toString();
    }

    private static String probe(String kind, String path, String scheme, int period, int failures) {
      return "        " + kind + ":\n          httpGet:\n            path: " + path + "\n            port: http\n"
          + "            scheme: " + scheme + "\n          periodSeconds: " + period + "\n          failureThreshold: "
          + failures + "\n";
    }

    /** A YAML double-quoted scalar. */
    private static String quoted(String s) {
      return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
  }
}
