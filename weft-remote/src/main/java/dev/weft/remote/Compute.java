package dev.weft.remote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The compute a service runs on: resources, replicas, environment and lifetime. An immutable
 * value made by {@link #builder()}; every setter validates its argument at once and throws
 * {@link IllegalArgumentException} saying what is accepted, so a bad value never reaches a
 * back end.
 *
 * <pre>{@code
 * Compute compute = Compute.builder()
 *     .cpus(1).memory("512m")
 *     .env("MODEL_DIR", "/tmp/models")
 *     .inactivityTtl("30m")
 *     .build();
 * }</pre>
 *
 * <p>How the default back end ({@link ComputeBackend#localProcesses() local worker processes})
 * uses each field: {@code cpus} becomes the worker JVM's {@code -XX:ActiveProcessorCount}
 * (rounded up), {@code memory} its {@code -Xmx} (unless {@code jvmOptions} set one), each of
 * {@code replicas} is a separate worker process that calls are spread over, {@code env} is added
 * to the worker's environment, and {@code image} is ignored (it is for container back ends).
 * It cannot provide GPUs: a {@code gpus > 0} deployment there fails with a {@link
 * DeploymentException}. Thread-safe.
 */
public final class Compute {
  private static final Pattern MEMORY = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?b?)", Pattern.CASE_INSENSITIVE);
  private static final Pattern TTL = Pattern.compile("(\\d+)([smhd])");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Compute DEFAULTS = new Builder().build();

  private final double cpus;
  private final String memory;
  private final long memoryBytes;
  private final int gpus;
  private final int replicas;
  private final Map<String, String> env;
  private final String image;
  private final Duration launchTimeout;
  private final Duration inactivityTtl;
  private final List<String> jvmOptions;

  private Compute(Builder b) {
    this.cpus = b.cpus;
    this.memory = b.memory;
    this.memoryBytes = b.memoryBytes;
    this.gpus = b.gpus;
    this.replicas = b.replicas;
    this.env = Map.copyOf(b.env);
    this.image = b.image;
    this.launchTimeout = b.launchTimeout;
    this.inactivityTtl = b.inactivityTtl;
    this.jvmOptions = List.copyOf(b.jvmOptions);
  }

  /** One CPU, no memory limit of its own, one replica, no TTL. */
  public static Compute defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** CPUs per replica, a positive number such as {@code 0.5} or {@code 4}. */
  public double cpus() {
    return cpus;
  }

  /** Memory per replica as written (such as {@code 512m}), if set. */
  public Optional<String> memory() {
    return Optional.ofNullable(memory);
  }

  /** {@link #memory()} in bytes, or 0 if not set. */
  public long memoryBytes() {
    return memoryBytes;
  }

  public int gpus() {
    return gpus;
  }

  public int replicas() {
    return replicas;
  }

  /** Environment variables added to each replica's environment. */
  public Map<String, String> env() {
    return env;
  }

  /** The container image, for container back ends. */
  public Optional<String> image() {
    return Optional.ofNullable(image);
  }

  /** How long a deployment may take to become healthy before it fails. */
  public Duration launchTimeout() {
    return launchTimeout;
  }

  /** How long a service may sit without calls before it stops itself; empty means never. */
  public Optional<Duration> inactivityTtl() {
    return Optional.ofNullable(inactivityTtl);
  }

  /** Extra options for each replica's JVM, such as {@code -Xss512k}. */
  public List<String> jvmOptions() {
    return jvmOptions;
  }

  /** Builder of {@link Compute}. Not thread-safe; {@link #build()} may be called more than once. */
  public static final class Builder {
    private double cpus = 1;
    private String memory;
    private long memoryBytes;
    private int gpus;
    private int replicas = 1;
    private final Map<String, String> env = new LinkedHashMap<>();
    private String image;
    private Duration launchTimeout = Duration.ofSeconds(60);
    private Duration inactivityTtl;
    private final List<String> jvmOptions = new ArrayList<>();

    private Builder() {}

    /** @throws IllegalArgumentException unless in (0, 1024] */
    public Builder cpus(double cpus) {
      if (!(cpus > 0 && cpus <= 1024)) {
        throw new IllegalArgumentException("cpus must be in (0, 1024], such as 0.5 or 4; was " + cpus);
      }
      this.cpus = cpus;
      return this;
    }

    /** As {@link #cpus(double)}, from text such as {@code "0.5"} (Kubetorch's form). */
    public Builder cpus(String cpus) {
      Objects.requireNonNull(cpus, "cpus");
      try {
        return cpus(Double.parseDouble(cpus.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("cpus must be a number such as \"0.5\" or \"4\"; was \"" + cpus + "\"");
      }
    }

    /**
     * Memory per replica: a number with an optional unit {@code k}, {@code m}, {@code g} or
     * {@code t} (powers of 1024; {@code Mi}, {@code GB} and the like are read the same way), at
     * least 16 MiB.
     *
     * @throws IllegalArgumentException if it is not such a size
     */
    public Builder memory(String memory) {
      Objects.requireNonNull(memory, "memory");
      Matcher m = MEMORY.matcher(memory.trim());
      if (!m.matches()) {
        throw new IllegalArgumentException("memory must be a size such as 512m, 2g or 1.5Gi; was \"" + memory + "\"");
      }
      double n = Double.parseDouble(m.group(1));
      long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
        case "k" -> 1L << 10;
        case "m" -> 1L << 20;
        case "g" -> 1L << 30;
        case "t" -> 1L << 40;
        default -> 1L;
      };
      long bytes = (long) (n * unit);
      if (bytes < (16L << 20)) {
        throw new IllegalArgumentException("memory must be at least 16m (a JVM needs it); was \"" + memory + "\"");
      }
      this.memory = memory.trim();
      this.memoryBytes = bytes;
      return this;
    }

    /** @throws IllegalArgumentException unless 0..64 */
    public Builder gpus(int gpus) {
      if (gpus < 0 || gpus > 64) {
        throw new IllegalArgumentException("gpus must be 0..64; was " + gpus);
      }
      this.gpus = gpus;
      return this;
    }

    /** @throws IllegalArgumentException unless 1..64 */
    public Builder replicas(int replicas) {
      if (replicas < 1 || replicas > 64) {
        throw new IllegalArgumentException("replicas must be 1..64; was " + replicas);
      }
      this.replicas = replicas;
      return this;
    }

    /**
     * Adds an environment variable.
     *
     * @throws IllegalArgumentException if the name is not a portable variable name
     *     ({@code [A-Za-z_][A-Za-z0-9_]*}) or the value holds a NUL character
     */
    public Builder env(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (!ENV_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("env name must match [A-Za-z_][A-Za-z0-9_]*; was \"" + name + "\"");
      }
      if (value.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("env value of " + name + " must not contain a NUL character");
      }
      env.put(name, value);
      return this;
    }

    /** Adds every entry of {@code vars}, as {@link #env(String, String)}. */
    public Builder env(Map<String, String> vars) {
      vars.forEach(this::env);
      return this;
    }

    /** @throws IllegalArgumentException if blank or containing whitespace */
    public Builder image(String image) {
      Objects.requireNonNull(image, "image");
      if (image.isBlank() || image.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("image must be a non-blank reference without spaces, such as eclipse-temurin:21; was \"" + image + "\"");
      }
      this.image = image;
      return this;
    }

    /** @throws IllegalArgumentException unless between 1 s and 1 h */
    public Builder launchTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("launchTimeout must be between 1s and 1h; was " + timeout);
      }
      this.launchTimeout = timeout;
      return this;
    }

    /**
     * Stops the service after this long without calls, written as Kubetorch writes it: a whole
     * number and one of {@code s m h d} ({@code "30m"}, {@code "2h"}).
     *
     * @throws IllegalArgumentException if not of that form, or under 1 s
     */
    public Builder inactivityTtl(String ttl) {
      Objects.requireNonNull(ttl, "ttl");
      Matcher m = TTL.matcher(ttl.trim());
      if (!m.matches()) {
        throw new IllegalArgumentException("inactivityTtl must be a whole number and a unit s, m, h or d, such as \"30m\" or \"2h\"; was \"" + ttl + "\"");
      }
      long n = Long.parseLong(m.group(1));
      return inactivityTtl(switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      });
    }

    /** @throws IllegalArgumentException if under 1 s */
    public Builder inactivityTtl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("inactivityTtl must be at least 1s; was " + ttl);
      }
      this.inactivityTtl = ttl;
      return this;
    }

    /**
     * Adds JVM options for each replica.
     *
     * @throws IllegalArgumentException for an option that does not start with {@code -}, or that
     *     sets the class path or main class (the back end decides those)
     */
    public Builder jvmOptions(String... options) {
      for (String o : options) {
        Objects.requireNonNull(o, "option");
        String t = o.trim();
        if (!t.startsWith("-") || t.contains("\n")) {
          throw new IllegalArgumentException("JVM option must start with '-', such as -Xss512k; was \"" + o + "\"");
        }
        if (t.equals("-cp") || t.equals("-classpath") || t.startsWith("--class-path") || t.equals("-jar")
            || t.startsWith("--module-path") || t.equals("-p") || t.startsWith("-m") && !t.startsWith("-ms") && !t.startsWith("-mx")) {
          throw new IllegalArgumentException("JVM option " + t + " is not allowed: the back end starts workers with the caller's class path");
        }
        jvmOptions.add(t);
      }
      return this;
    }

    public Compute build() {
      return new Compute(this);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Compute c && cpus == c.cpus && memoryBytes == c.memoryBytes && gpus == c.gpus
        && replicas == c.replicas && env.equals(c.env) && Objects.equals(image, c.image)
        && launchTimeout.equals(c.launchTimeout) && Objects.equals(inactivityTtl, c.inactivityTtl)
        && jvmOptions.equals(c.jvmOptions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(cpus, memoryBytes, gpus, replicas, env, image, launchTimeout, inactivityTtl, jvmOptions);
  }

  @Override
  public String toString() {
    return "Compute[cpus=" + cpus + (memory != null ? ", memory=" + memory : "") + (gpus > 0 ? ", gpus=" + gpus : "")
        + ", replicas=" + replicas + (env.isEmpty() ? "" : ", env=" + env.keySet())
        + (image != null ? ", image=" + image : "") + ", launchTimeout=" + launchTimeout
        + (inactivityTtl != null ? ", inactivityTtl=" + inactivityTtl : "")
        + (jvmOptions.isEmpty() ? "" : ", jvmOptions=" + jvmOptions) + "]";
  }
}
