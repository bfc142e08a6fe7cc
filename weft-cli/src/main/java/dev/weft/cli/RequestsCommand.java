package dev.weft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weft requests [show ID | cancel ID]}: lists the requests a server has recorded, newest
 * first, shows one with its output, or cancels one.
 */
@Command(
    name = "requests",
    description = "List the requests a running Weft server has recorded, newest first: id, application, state, "
        + "created (UTC), progress.",
    footer = {
      "%nExamples:",
      "  weft requests --state RUNNING",
      "  weft requests show <id>"
    },
    subcommands = {RequestsCommand.Show.class, RequestsCommand.Cancel.class})
final class RequestsCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Mixin
  private ClientOptions client;

  @Option(names = "--app", paramLabel = "<application>", description = "Only requests of this application.")
  private String application;

  @Option(names = "--state", paramLabel = "<state>", description = "Only requests in this state: RUNNING, SUCCEEDED, "
      + "FAILED or CANCELLED.")
  private String state;

  @Option(names = "--limit", paramLabel = "<n>", defaultValue = "50", description = "At most this many, 1..1000 "
      + "(default: ${DEFAULT-VALUE}).")
  private int limit;

  @Override
  public Integer call() {
    List<String> query = new ArrayList<>();
    if (application != null) {
      query.add("application=" + WeftClient.query(application));
    }
    if (state != null) {
      query.add("state=" + WeftClient.query(state.toUpperCase(Locale.ROOT)));
    }
    query.add("limit=" + limit);
    JsonNode page = client.client().get("/v1/requests?" + String.join("&", query));
    PrintWriter out = spec.commandLine().getOut();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"ID", "APPLICATION", "STATE", "CREATED", "PROGRESS"});
    for (JsonNode r : page.path("requests")) {
      rows.add(new String[] {
        r.path("id").asText(), r.path("application").asText(), r.path("state").asText(),
        timestamp(r.path("created_at")), progress(r.path("progress"))
      });
    }
    if (rows.size() == 1) {
      spec.commandLine().getErr().println("weft: no requests" + (application != null || state != null ? " match" : " yet"));
      spec.commandLine().getErr().flush();
      return 0;
    }
    printTable(out, rows);
    if (!page.path("next_cursor").isNull() && !page.path("next_cursor").isMissingNode()) {
      spec.commandLine().getErr().println("weft: more requests are recorded; raise --limit to see them");
      spec.commandLine().getErr().flush();
    }
    return 0;
  }

  /** {@code weft requests show ID}. */
  @Command(name = "show", description = "Show one request: its state, times, progress and error, and its output "
      + "(as JSON) once it has succeeded.")
  static final class Show implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ClientOptions client;

    @Parameters(paramLabel = "<id>", description = "The request id that 'weft invoke' printed.")
    private String id;

    @Override
    public Integer call() {
      WeftClient weft = client.client();
      JsonNode r = weft.get("/v1/requests/" + WeftClient.segment(id));
      PrintWriter out = spec.commandLine().getOut();
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"id", r.path("id").asText()});
      rows.add(new String[] {"application", r.path("application").asText()});
      rows.add(new String[] {"state", r.path("state").asText()});
      rows.add(new String[] {"created", timestamp(r.path("created_at"))});
      rows.add(new String[] {"finished", timestamp(r.path("finished_at"))});
      JsonNode progress = r.path("progress");
      String message = progress.path("message").asText("");
      rows.add(new String[] {"progress", (progress(progress) + " " + message).strip()});
      JsonNode error = r.path("error");
      if (error.isObject()) {
        String type = error.path("type").asText("");
        String text = error.path("message").asText("");
        // the message names the function, attempt, exception type and causes; the type (the one
        // Java callers catch, often a wrapper) would only repeat it
        rows.add(new String[] {"error", text.isBlank() ? type + " (no message)" : text});
      }
      for (String[] row : rows) {
        out.printf("%-12s%s%n", row[0], row[1]);
      }
      printCalls(out, weft.get("/v1/requests/" + WeftClient.segment(id) + "/calls").path("calls"));
      if (r.path("state").asText().equals("SUCCEEDED")) {
        out.println("output");
        out.println(WeftClient.pretty(weft.get("/v1/requests/" + WeftClient.segment(id) + "/output")));
      }
      out.flush();
      return 0;
    }
  }

  /**
   * The call tree under a {@code calls} heading: one line per call, indented under its parent, in
   * the order the calls started: function, state, attempts, duration and last error.
   */
  static void printCalls(PrintWriter out, JsonNode calls) {
    if (!calls.isArray() || calls.isEmpty()) {
      return; // the in-memory journal keeps no call rows: say nothing rather than "no calls"
    }
    Set<String> ids = new HashSet<>();
    calls.forEach(c -> ids.add(c.path("id").asText()));
    // The entry call has no parent. The items of a map name the map as their parent, which has no
    // row of its own: they show under the entry call, which every call descends from.
    String entry = null;
    for (JsonNode c : calls) {
      if (!c.path("parent").isTextual()) {
        entry = c.path("id").asText();
        break;
      }
    }
    Map<String, List<JsonNode>> children = new HashMap<>();
    List<JsonNode> roots = new ArrayList<>();
    for (JsonNode c : calls) {
      String parent = c.path("parent").isTextual() ? c.path("parent").asText() : null;
      if (parent != null && !ids.contains(parent)) {
        parent = entry;
      }
      if (parent == null) {
        roots.add(c);
      } else {
        children.computeIfAbsent(parent, k -> new ArrayList<>()).add(c);
      }
    }
    out.println("calls");
    for (JsonNode root : roots) {
      printCall(out, root, 1, children);
    }
  }

  private static void printCall(PrintWriter out, JsonNode c, int depth, Map<String, List<JsonNode>> children) {
    String state = c.path("state").asText();
    int failed = c.path("failed_attempts").asInt();
    // the attempt that succeeded, or the one running now, counts too
    int attempts = failed + (state.equals("RETRYING") || state.equals("FAILED") ? 0 : 1);
    StringBuilder line = new StringBuilder("  ".repeat(depth)).append(c.path("function").asText())
        .append("  ").append(state)
        .append("  ").append(attempts).append(attempts == 1 ? " attempt" : " attempts");
    if (failed > 0) {
      line.append(" (").append(failed).append(" failed)");
    }
    line.append("  ").append(duration(c.path("started_at"), c.path("finished_at")));
    JsonNode error = c.path("error");
    if (error.isObject()) {
      String message = error.path("message").asText("");
      line.append("  error ").append(error.path("type").asText()).append(message.isEmpty() ? "" : ": " + message);
    }
    out.println(line);
    for (JsonNode child : children.getOrDefault(c.path("id").asText(), List.of())) {
      printCall(out, child, depth + 1, children);
    }
  }

  private static String duration(JsonNode started, JsonNode finished) {
    if (!started.isTextual() || !finished.isTextual()) {
      return "-";
    }
    try {
      long ms = Duration.between(Instant.parse(started.asText()),
          Instant.parse(finished.asText())).toMillis();
      return ms < 10_000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    } catch (DateTimeParseException e) {
      return "-";
    }
  }

  /** {@code weft requests cancel ID}. */
  @Command(name = "cancel", description = "Cancel a running request and every call it runs.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:cancelled", "2:no such request, or it has already finished"})
  static final class Cancel implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ClientOptions client;

    @Parameters(paramLabel = "<id>", description = "The id of the request to cancel.")
    private String id;

    @Override
    public Integer call() {
      JsonNode answer = client.client().delete("/v1/requests/" + WeftClient.segment(id));
      spec.commandLine().getOut().println(answer.path("request_id").asText(id) + " " + answer.path("state").asText());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** {@code 2025-01-31 12:00:03} (UTC, to the second) from an ISO instant; {@code -} if absent. */
  static String timestamp(JsonNode instant) {
    if (instant == null || !instant.isTextual()) {
      return "-";
    }
    String s = instant.asText();
    int dot = s.indexOf('.');
    String seconds = dot > 0 ? s.substring(0, dot) : s.replace("Z", "");
    return seconds.replace('T', ' ');
  }

  /** {@code 7/14 (50%)}, or {@code -} with no progress reported. */
  static String progress(JsonNode p) {
    if (p == null || !p.isObject()) {
      return "-";
    }
    double current = p.path("current").asDouble();
    double total = p.path("total").asDouble();
    String text = ProgressBar.number(current) + "/" + ProgressBar.number(total);
    return total > 0 ? text + String.format(Locale.ROOT, " (%d%%)", Math.round(100 * Math.min(1, current / total))) : text;
  }

  /** Left-aligned columns two spaces apart, the first row the header; flushes. */
  static void printTable(PrintWriter out, List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }
}
