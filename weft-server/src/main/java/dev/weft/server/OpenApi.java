package dev.weft.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.Applications;
import dev.weft.transport.JsonSchemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The server's OpenAPI 3.1 document: the fixed routes from {@code openapi.json}, plus one path per
 * hosted application whose request body and output carry the JSON Schema of its declared input and
 * output types, with the records they use under {@code components/schemas}. Built per call from
 * immutable inputs; thread-safe.
 */
final class OpenApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SUBMIT = "/v1/applications/{app}";
  private static final String REFS = "#/components/schemas/";

  private OpenApi() {}

  /** The document for {@code apps}, as UTF-8 JSON, starting from the fixed {@code base}. */
  static byte[] document(byte[] base, List<Applications.Entry> apps) {
    try {
      ObjectNode doc = (ObjectNode) JSON.readTree(base);
      ObjectNode schemas = (ObjectNode) doc.path("components").path("schemas");
      ObjectNode paths = (ObjectNode) doc.path("paths");
      ObjectNode generic = (ObjectNode) paths.path(SUBMIT).path("post");
      JsonSchemas collector = JsonSchemas.referencing(REFS, fieldNames(schemas));
      for (Applications.Entry app : apps) {
        paths.set("/v1/applications/" + Call.encodePathSegment(app.name()),
            JSON.createObjectNode().set("post", submit(generic, app, collector)));
      }
      for (Map.Entry<String, String> def : collector.definitions().entrySet()) {
        schemas.set(def.getKey(), JSON.readTree(def.getValue()));
      }
      return JSON.writeValueAsBytes(doc);
    } catch (IOException e) {
      throw new UncheckedIOException("the built-in openapi.json does not parse", e);
    }
  }

  private static ObjectNode submit(ObjectNode generic, Applications.Entry app, JsonSchemas collector)
      throws IOException {
    ObjectNode op = generic.deepCopy();
    op.put("operationId", "submit_" + app.name().replaceAll("[^A-Za-z0-9_]", "_"));
    op.put("summary", "Starts a request of " + app.name() + "."
        + (app.description().isBlank() ? "" : " " + app.description()));
    ArrayNode parameters = JSON.createArrayNode();
    for (JsonNode p : op.path("parameters")) {
      if (!"app".equals(p.path("name").asText())) {
        parameters.add(p);
      }
    }
    op.set("parameters", parameters);
    ObjectNode body = (ObjectNode) op.path("requestBody").path("content").path("application/json");
    body.set("schema", JSON.readTree(collector.schema(app.inputType())));
    body.set("example", JSON.readTree(JsonSchemas.example(app.inputType())));
    JsonNode output = JSON.readTree(collector.schema(app.outputType()));
    ObjectNode done = (ObjectNode) op.path("responses").path("200").path("content").path("application/json");
    if (done.has("schema")) {
      ObjectNode withOutput = JSON.createObjectNode();
      ArrayNode allOf = withOutput.putArray("allOf");
      allOf.add(done.get("schema"));
      ObjectNode typed = allOf.addObject();
      typed.putObject("properties").set("output", output);
      done.set("schema", withOutput);
    }
    return op;
  }

  private static java.util.Set<String> fieldNames(ObjectNode node) {
    java.util.Set<String> names = new java.util.HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
