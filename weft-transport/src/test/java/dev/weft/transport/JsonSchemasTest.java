package dev.weft.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The JSON Schema and example {@link JsonSchemas} give for declared types. */
final class JsonSchemasTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Priority { LOW, HIGH }

  record Address(String street, Optional<String> zip) {}

  record Customer(String name, Address address, List<Address> previous, Priority priority,
      Optional<Integer> age, int visits, Map<String, Long> counters, Set<String> tags,
      byte[] photo, Instant since, LocalDate birthday) {}

  record Tree(String label, List<Tree> children, Optional<Tree> parent) {}

  record Page<T>(List<T> items, int total) {}

  private static JsonNode tree(String json) throws Exception {
    return JSON.readTree(json);
  }

  @Test
  void schema_recordWithNestedRecordsListsEnumsOptional_describesEachComponent() throws Exception {
    JsonSchemas schemas = JsonSchemas.referencing("#/components/schemas/");

    JsonNode root = tree(schemas.schema(Customer.class));
    Map<String, String> defs = schemas.definitions();

    assertThat(root).isEqualTo(tree("{\"$ref\":\"#/components/schemas/Customer\"}"));
    assertThat(defs).containsOnlyKeys("Customer", "Address");
    JsonNode customer = tree(defs.get("Customer"));
    assertThat(customer.get("type").asText()).isEqualTo("object");
    assertThat(customer.get("additionalProperties").asBoolean()).isFalse();
    assertThat(customer.get("required")).isEqualTo(tree(
        "[\"name\",\"address\",\"previous\",\"priority\",\"visits\",\"counters\",\"tags\","
            + "\"photo\",\"since\",\"birthday\"]"));
    JsonNode p = customer.get("properties");
    assertThat(p.get("name")).isEqualTo(tree("{\"type\":\"string\"}"));
    assertThat(p.get("address")).isEqualTo(tree("{\"$ref\":\"#/components/schemas/Address\"}"));
    assertThat(p.get("previous")).isEqualTo(tree(
        "{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Address\"}}"));
    assertThat(p.get("priority")).isEqualTo(tree("{\"type\":\"string\",\"enum\":[\"LOW\",\"HIGH\"]}"));
    assertThat(p.get("age")).isEqualTo(tree(
        "{\"anyOf\":[{\"type\":\"integer\",\"format\":\"int32\"},{\"type\":\"null\"}]}"));
    assertThat(p.get("visits")).isEqualTo(tree("{\"type\":\"integer\",\"format\":\"int32\"}"));
    assertThat(p.get("counters")).isEqualTo(tree(
        "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\",\"format\":\"int64\"}}"));
    assertThat(p.get("tags")).isEqualTo(tree(
        "{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"uniqueItems\":true}"));
    assertThat(p.get("photo")).isEqualTo(tree("{\"type\":\"string\",\"contentEncoding\":\"base64\"}"));
    assertThat(p.get("since")).isEqualTo(tree("{\"type\":\"string\",\"format\":\"date-time\"}"));
    assertThat(p.get("birthday")).isEqualTo(tree("{\"type\":\"string\",\"format\":\"date\"}"));
    JsonNode address = tree(defs.get("Address"));
    assertThat(address.get("required")).isEqualTo(tree("[\"street\"]"));
  }

  @Test
  void standalone_recursiveRecord_usesDefsAndDialect() throws Exception {
    JsonNode root = tree(JsonSchemas.standalone(Tree.class));

    assertThat(root.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(root.get("$ref").asText()).isEqualTo("#/$defs/Tree");
    assertThat(root.at("/$defs/Tree/properties/children/items/$ref").asText()).isEqualTo("#/$defs/Tree");
    assertThat(root.at("/$defs/Tree/required")).isEqualTo(tree("[\"label\",\"children\"]"));
  }

  @Test
  void schema_genericRecord_bindsItsTypeArgument() throws Exception {
    JsonSchemas schemas = JsonSchemas.referencing("#/components/schemas/");
    java.lang.reflect.Type type =
        JsonSchemasTest.class.getDeclaredMethod("page").getGenericReturnType();

    assertThat(tree(schemas.schema(type)).get("$ref").asText()).isEqualTo("#/components/schemas/Page_Address");
    assertThat(tree(schemas.definitions().get("Page_Address")).at("/properties/items/items/$ref").asText())
        .isEqualTo("#/components/schemas/Address");
  }

  @SuppressWarnings("unused")
  private static Page<Address> page() {
    return null;
  }

  @Test
  void example_decodesWithTheCodec() {
    for (Class<?> type : List.of(Customer.class, Tree.class, Address.class)) {
      String example = JsonSchemas.example(type);

      assertThat(JsonCodec.standard().decode(example, type)).as(example).isInstanceOf(type);
    }
  }

  @Test
  void example_recordWithOptional_includesTheOptionalComponent() throws Exception {
    assertThat(tree(JsonSchemas.example(Address.class)))
        .isEqualTo(tree("{\"street\":\"string\",\"zip\":\"string\"}"));
  }

  @Test
  void decode_bodyMissingRequiredField_namesFieldAndRecord() {
    TransportException e = catchThrowableOfType(TransportException.class,
        () -> JsonCodec.standard().decode("{\"zip\":\"1000\"}", Address.class));

    assertThat(e).hasMessage("missing property \"street\" at $.street (required by Address)");
  }

  @Test
  void decode_nestedRecordMissingRequiredField_namesFieldAndNestedRecord() {
    String json = JsonSchemas.example(Customer.class).replace("\"street\":\"string\",", "");
    TransportException e = catchThrowableOfType(TransportException.class,
        () -> JsonCodec.standard().decode(json, Customer.class));

    assertThat(e.getMessage()).contains("missing property \"street\" at $.address.street").contains("Address");
  }
}
