package dev.weft.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;

/** The OpenAPI document describes each hosted application's input and output with JSON Schema. */
final class OpenApiTest extends ServerTestSupport {

  private static SwaggerParseResult parse(String document) {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    return new OpenAPIV3Parser().readContents(document, null, options);
  }

  @Test
  void openApi_served_validatesAsOpenApi31() {
    String document = get("/openapi.json").body();

    SwaggerParseResult result = parse(document);

    assertThat(result.getMessages()).isEmpty();
    assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
    assertThat(result.getOpenAPI().getPaths()).containsKey("/v1/applications/TestApps.order");
  }

  @Test
  void openApi_validator_reportsABrokenDocument() {
    String broken = "{\"openapi\":\"3.1.0\",\"info\":{\"version\":\"1\"},\"paths\":{\"/x\":{\"get\":"
        + "{\"responses\":{\"200\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Nope\"}}}}}}}}}";

    assertThat(parse(broken).getMessages()).isNotEmpty();
  }

  @Test
  void openApi_applicationRoute_hasInputAndOutputSchemas() {
    JsonNode doc = get("/openapi.json").json();
    JsonNode post = doc.at("/paths/~1v1~1applications~1TestApps.order/post");

    assertThat(post.at("/requestBody/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/Order");
    assertThat(post.at("/requestBody/content/application~1json/example").toString())
        .isEqualTo("{\"item\":\"string\",\"quantity\":0}");
    assertThat(post.at("/responses/200/content/application~1json/schema/allOf/1/properties/output/$ref").asText())
        .isEqualTo("#/components/schemas/Receipt");
    assertThat(post.get("parameters")).extracting(p -> p.get("name").asText())
        .containsExactly("wait", "Idempotency-Key");
    JsonNode order = doc.at("/components/schemas/Order");
    assertThat(order.get("required").toString()).isEqualTo("[\"item\",\"quantity\"]");
    assertThat(order.at("/properties/quantity/type").asText()).isEqualTo("integer");
    assertThat(doc.at("/components/schemas/Receipt/properties/notes/items/type").asText()).isEqualTo("string");
  }

  @Test
  void applications_list_carriesSchemaAndExample() {
    JsonNode order = null;
    for (JsonNode a : get("/v1/applications").json()) {
      if (a.get("name").asText().equals("TestApps.order")) {
        order = a;
      }
    }

    assertThat(order.at("/input_schema/$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(order.at("/input_schema/$defs/Order/required").toString()).isEqualTo("[\"item\",\"quantity\"]");
    assertThat(order.at("/output_schema/$ref").asText()).isEqualTo("#/$defs/Receipt");
    assertThat(order.get("input_example").toString()).isEqualTo("{\"item\":\"string\",\"quantity\":0}");
  }

  @Test
  void submit_bodyMissingRequiredField_400NamesFieldAndRecord() {
    Response r = post("/v1/applications/TestApps.order", "{\"item\":\"tea\"}");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("invalid_input");
    assertThat(r.message()).contains("missing property \"quantity\"").contains("required by Order");
  }
}
