package cn.gov.ankang.gongjian.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one Gongjian topic from the beginning and checks every record against the published AsyncAPI
 * document alone: the CloudEvents binary-mode headers are present and match the message's header schema,
 * and the record's value matches the message's payload schema (the envelope with that event's payload).
 *
 * <p>Usage: {@code ContractConsumer BOOTSTRAP TOPIC ASYNCAPI_JSON EXPECTED_COUNT TIMEOUT_SECONDS}. Exits 0
 * when at least EXPECTED_COUNT records arrived before the timeout and every one passed; else 1.
 */
public final class ContractConsumer {
  static final String[] REQUIRED_HEADERS = {
    "ce_id", "ce_source", "ce_type", "ce_time", "ce_specversion", "content-type"
  };

  static final String COMPONENT_REF = "\"#/components/schemas/";
  static final String DEFINITION_REF = "\"#/definitions/";

  private final ObjectMapper mapper = new ObjectMapper();
  private final Map<String, JsonSchema[]> schemasByCeType = new HashMap<>();

  ContractConsumer(JsonNode asyncapi) {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
    JsonNode components = asyncapi.path("components");
    Iterator<Map.Entry<String, JsonNode>> messages = components.path("messages").fields();
    while (messages.hasNext()) {
      JsonNode message = messages.next().getValue();
      String ceType = message.path("headers").path("properties").path("ce_type").path("const").asText();
      JsonSchema headers = factory.getSchema(withComponents(message.path("headers"), components));
      JsonSchema payload = factory.getSchema(withComponents(message.path("payload"), components));
      schemasByCeType.put(ceType, new JsonSchema[] {headers, payload});
    }
  }

  /**
   * The message's schema as one draft-07 document: the AsyncAPI document's component schemas move under
   * {@code definitions}, and the references to them follow.
   */
  private JsonNode withComponents(JsonNode schema, JsonNode components) {
    try {
      String refs = mapper.writeValueAsString(schema).replace(COMPONENT_REF, DEFINITION_REF);
      String definitions =
          mapper.writeValueAsString(components.path("schemas")).replace(COMPONENT_REF, DEFINITION_REF);
      ObjectNode document = (ObjectNode) mapper.readTree(refs);
      document.set("definitions", mapper.readTree(definitions));
      return document;
    } catch (java.io.IOException exc) {
      throw new IllegalStateException("the AsyncAPI document is not JSON", exc);
    }
  }

  int messageTypes() {
    return schemasByCeType.size();
  }

  /** The problems of one record; empty when it keeps the contract. */
  List<String> check(ConsumerRecord<String, String> record) {
    List<String> problems = new ArrayList<>();
    ObjectNode headers = mapper.createObjectNode();
    for (Header header : record.headers()) {
      headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
    }
    for (String name : REQUIRED_HEADERS) {
      if (!headers.hasNonNull(name)) {
        problems.add("missing header " + name);
      }
    }
    String ceType = headers.path("ce_type").asText();
    JsonSchema[] schemas = schemasByCeType.get(ceType);
    if (schemas == null) {
      problems.add("no message in the AsyncAPI document has ce_type " + ceType);
      return problems;
    }
    JsonNode value;
    try {
      value = mapper.readTree(record.value());
    } catch (Exception exc) {
      problems.add("value is not JSON: " + exc.getMessage());
      return problems;
    }
    for (ValidationMessage error : schemas[0].validate(headers)) {
      problems.add("headers: " + error.getMessage());
    }
    for (ValidationMessage error : schemas[1].validate(value)) {
      problems.add("value: " + error.getMessage());
    }
    if (!headers.path("ce_id").asText().equals(value.path("event_id").asText())) {
      problems.add("ce_id is not the envelope's event_id");
    }
    if (record.key() == null || !record.key().equals(value.path("key").asText())) {
      problems.add("the record key is not the envelope's key");
    }
    return problems;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: ContractConsumer BOOTSTRAP TOPIC ASYNCAPI_JSON EXPECTED_COUNT TIMEOUT_SECONDS");
      System.exit(2);
    }
    String bootstrap = args[0];
    String topic = args[1];
    ContractConsumer checker = new ContractConsumer(new ObjectMapper().readTree(new File(args[2])));
    int expected = Integer.parseInt(args[3]);
    long deadline = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[4])).toNanos();
    System.out.printf("contract: %d message types; reading %s from %s%n", checker.messageTypes(), topic, bootstrap);

    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "java-contract-consumer-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());

    int checked = 0;
    int failed = 0;
    Map<String, Integer> byType = new HashMap<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
      consumer.subscribe(List.of(topic));
      while (checked < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          checked++;
          List<String> problems = checker.check(record);
          String ceType = record.headers().lastHeader("ce_type") == null
              ? "?"
              : new String(record.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8);
          byType.merge(ceType, 1, Integer::sum);
          if (!problems.isEmpty()) {
            failed++;
            System.out.printf("FAIL %s-%d@%d %s: %s%n",
                record.topic(), record.partition(), record.offset(), ceType, String.join("; ", problems));
          }
        }
      }
    }
    System.out.printf("by type: %s%n", byType);
    System.out.printf("checked %d records: %d passed, %d failed (expected at least %d)%n",
        checked, checked - failed, failed, expected);
    System.exit(failed == 0 && checked >= expected ? 0 : 1);
  }
}
