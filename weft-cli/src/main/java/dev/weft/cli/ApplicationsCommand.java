package dev.weft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code weft applications}: what a running server hosts, with each one's input type. */
@Command(
    name = "applications",
    description = "List the applications a running Weft server hosts: name, input type (the JSON 'weft invoke' "
        + "takes), description.")
final class ApplicationsCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Mixin
  private ClientOptions client;

  @Override
  public Integer call() {
    JsonNode apps = client.client().get("/v1/applications");
    PrintWriter out = spec.commandLine().getOut();
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
}
