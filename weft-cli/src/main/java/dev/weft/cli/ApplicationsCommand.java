package dev.weft.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weft applications [NAME]}: what a running server hosts, with each one's input type; with a
 * name, that application's input and output JSON Schema and an example body.
 */
@Command(
    name = "applications",
    description = {"List the applications a running Weft server hosts: name, input type (the JSON 'weft invoke' "
        + "takes), description.",
        "With an application's name: its input's JSON Schema, an example input and its output's JSON Schema."})
final class ApplicationsCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Mixin
  private ClientOptions client;

  @Parameters(index = "0", arity = "0..1", paramLabel = "<app>",
      description = "An application's name: show its JSON Schemas and an example input.")
  private String app;

  @Override
  public Integer call() {
    JsonNode apps = client.client().get("/v1/applications");
    PrintWriter out = spec.commandLine().getOut();
    if (app != null) {
      describe(apps, out);
      out.flush();
      return 0;
    }
    int name = 4;
    int input = 5;
    for (JsonNode a : apps) {
      name = Math.max(name, a.path("name").asText().length());
      input = Math.max(input, a.path("input_type").asText().length());
    }
    String row = "%-" + name + "s  %-" + input + "s  %s";
    out.println(String.format(row, "NAME", "INPUT", "DESCRIPTION").stripTrailing());
    for (JsonNode a : apps) {
      out.println(String.format(row, a.path("name").asText(), a.path("input_type").asText(),
          a.path("description").asText()).stripTrailing());
    }
    out.flush();
    return 0;
  }

  private void describe(JsonNode apps, PrintWriter out) {
    JsonNode found = null;
    StringBuilder names = new StringBuilder();
    for (JsonNode a : apps) {
      String name = a.path("name").asText();
      names.append(names.isEmpty() ? "" : ", ").append(name);
      if (name.equals(app)) {
        found = a;
      }
    }
    if (found == null) {
      throw CommandFailure.usage("the server hosts no application named '" + app + "'; it hosts: "
          + (names.isEmpty() ? "none" : names));
    }
    out.println(found.path("name").asText() + ": " + found.path("description").asText());
    out.println();
    out.println("Input: " + found.path("input_type").asText());
    out.println(pretty(found.get("input_schema")));
    out.println();
    out.println("Example input:");
    out.println(pretty(found.get("input_example")));
    out.println();
    out.println("Output: " + found.path("output_type").asText());
    out.println(pretty(found.get("output_schema")));
    out.println();
    out.println("Run it: weft invoke " + found.path("name").asText() + " '"
        + found.path("input_example").toString().replace("'", "'\\''") + "'");
  }

  private static String pretty(JsonNode node) {
    if (node == null) {
      return "(the server does not describe it; it is older than this weft)";
    }
    try {
      return PRETTY.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always writes", e);
    }
  }
}
