package org.postgresml.operator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The API server's admission of a PgmlProxy as far as the CRD decides it: the structural defaults
 * of its schema, then every {@code x-kubernetes-validations} rule evaluated with Google's CEL for
 * Java on the value at the rule's place ({@code self}, and {@code oldSelf} for transition rules on
 * an update), and the uniqueness of a map-type list's keys. The OpenAPI keywords (types, patterns, bounds) are the packaging module's
 * CrdSchema's part.
 */
final class CrdValidation {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar("self", SimpleType.DYN)
      .addVar("oldSelf", SimpleType.DYN)
      .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  /** One rule where the schema puts it: the path of its value, list items as [], map values as {}. */
  record Rule(List<String> path, String expression, String message, CelRuntime.Program program) {
    boolean isTransition() {
      return expression.contains("oldSelf");
    }

    String where() {
      return String.join(".", path).replace(".[]", "[]").replace(".{}", "{}");
    }
  }

  /** A map-type list ({@code x-kubernetes-list-type: map}) and its key fields. */
  record MapList(List<String> path, List<String> keys) {
  }

  private final JsonNode schema;
  private final List<Rule> rules = new ArrayList<>();
  private final List<MapList> mapLists = new ArrayList<>();

  private CrdValidation(JsonNode schema) {
    this.schema = schema;
    collect(schema, new ArrayList<>());
  }

  static CrdValidation of(Path crdFile) {
    try {
      JsonNode crd = new YAMLMapper().readTree(crdFile.toFile());
      return new CrdValidation(crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<Rule> rules() {
    return rules;
  }

  List<MapList> mapLists() {
    return mapLists;
  }

  /** Messages of the rules a create of {@code object} breaks; empty when it is admitted. */
  List<String> violations(Map<String, Object> object) {
    return violations(object, null);
  }

  /** As {@link #violations(Map)}, for an update from {@code old} (transition rules too). */
  List<String> violations(Map<String, Object> object, Map<String, Object> old) {
    Object defaulted = numbersAsLongs(withDefaults(object));
    Object oldDefaulted = old == null ? null : numbersAsLongs(withDefaults(old));
    List<String> violations = new ArrayList<>(duplicateKeys(defaulted));
    for (Rule rule : rules) {
      if (rule.isTransition() && oldDefaulted == null) {
        continue;
      }
      for (Object[] pair : valuesAt(defaulted, oldDefaulted, rule.path(), 0)) {
        if (rule.isTransition() && pair[1] == null) {
          continue;
        }
        Map<String, Object> variables = new HashMap<>();
        variables.put("self", pair[0]);
        if (rule.isTransition()) {
          variables.put("oldSelf", pair[1]);
        }
        try {
          if (!Boolean.TRUE.equals(rule.program().eval(variables))) {
            violations.add(rule.where() + ": " + rule.message());
          }
        } catch (CelEvaluationException e) {
          // The API server refuses an object whose rule cannot be evaluated.
          violations.add(rule.where() + ": " + rule.message() + " (evaluation error: " + e.getMessage() + ")");
        }
      }
    }
    return violations;
  }

  /** The object with the schema's defaults filled in, as the API server stores it. */
  @SuppressWarnings("unchecked")
  Map<String, Object> withDefaults(Map<String, Object> object) {
    Map<String, Object> copy = JSON.convertValue(JSON.valueToTree(object), LinkedHashMap.class);
    applyDefaults(schema, copy);
    return copy;
  }

  @SuppressWarnings("unchecked")
  private static void applyDefaults(JsonNode node, Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> fields = (Map<String, Object>) map;
      node.path("properties").fields().forEachRemaining(property -> {
        JsonNode propertySchema = property.getValue();
        if (!fields.containsKey(property.getKey()) && propertySchema.has("default")) {
          fields.put(property.getKey(), JSON.convertValue(propertySchema.get("default"), Object.class));
        }
        if (fields.containsKey(property.getKey())) {
          applyDefaults(propertySchema, fields.get(property.getKey()));
        }
      });
      if (node.path("additionalProperties").isObject()) {
        fields.values().forEach(item -> applyDefaults(node.path("additionalProperties"), item));
      }
    } else if (value instanceof List<?> list) {
      list.forEach(item -> applyDefaults(node.path("items"), item));
    }
  }

  /** The API server refuses two entries of a map-type list with the same key ("Duplicate value"). */
  private List<String> duplicateKeys(Object object) {
    List<String> violations = new ArrayList<>();
    for (MapList mapList : mapLists) {
      for (Object[] pair : valuesAt(object, null, mapList.path(), 0)) {
        if (pair[0] instanceof List<?> list) {
          java.util.Set<List<Object>> seen = new java.util.HashSet<>();
          for (Object item : list) {
            Map<?, ?> entry = (Map<?, ?>) item;
            List<Object> key = mapList.keys().stream().map(k -> (Object) entry.get(k)).toList();
            if (!seen.add(key)) {
              violations.add(String.join(".", mapList.path()).replace(".[]", "[]").replace(".{}", "{}")
                  + ": Duplicate value: " + key);
            }
          }
        }
      }
    }
    return violations;
  }

  private void collect(JsonNode node, List<String> path) {
    if ("map".equals(node.path("x-kubernetes-list-type").asText())) {
      List<String> keys = new ArrayList<>();
      node.path("x-kubernetes-list-map-keys").forEach(key -> keys.add(key.asText()));
      mapLists.add(new MapList(List.copyOf(path), List.copyOf(keys)));
    }
    for (JsonNode validation : node.path("x-kubernetes-validations")) {
      String expression = validation.path("rule").asText();
      rules.add(new Rule(List.copyOf(path), expression, validation.path("message").asText(expression),
          compile(expression)));
    }
    node.path("properties").fields().forEachRemaining(property -> {
      List<String> child = new ArrayList<>(path);
      child.add(property.getKey());
      collect(property.getValue(), child);
    });
    if (node.path("items").isObject()) {
      List<String> child = new ArrayList<>(path);
      child.add("[]");
      collect(node.path("items"), child);
    }
    if (node.path("additionalProperties").isObject()) {
      List<String> child = new ArrayList<>(path);
      child.add("{}");
      collect(node.path("additionalProperties"), child);
    }
  }

  private static CelRuntime.Program compile(String expression) {
    try {
      CelAbstractSyntaxTree ast = COMPILER.compile(expression).getAst();
      return RUNTIME.createProgram(ast);
    } catch (CelValidationException | CelEvaluationException e) {
      throw new IllegalStateException("the CRD has a CEL rule that does not compile: " + expression, e);
    }
  }

  /** The values at {@code path}, each with the old object's value at the same place (or null). */
  private static List<Object[]> valuesAt(Object value, Object old, List<String> path, int index) {
    List<Object[]> found = new ArrayList<>();
    if (value == null) {
      return found;
    }
    if (index == path.size()) {
      found.add(new Object[] {value, old});
      return found;
    }
    String segment = path.get(index);
    if (segment.equals("[]") && value instanceof List<?> list) {
      for (Object item : list) {
        // The API server correlates list items only in map-type lists; none of ours has a transition rule.
        found.addAll(valuesAt(item, null, path, index + 1));
      }
    } else if (segment.equals("{}") && value instanceof Map<?, ?> map) {
      map.forEach((key, item) -> found.addAll(valuesAt(item, old instanceof Map<?, ?> oldMap ? oldMap.get(key) : null,
          path, index + 1)));
    } else if (value instanceof Map<?, ?> map) {
      found.addAll(valuesAt(map.get(segment), old instanceof Map<?, ?> oldMap ? oldMap.get(segment) : null, path,
          index + 1));
    }
    return found;
  }

  /** CEL's int is a Java long; JSON parsing gives int for small numbers. */
  @SuppressWarnings("unchecked")
  private static Object numbersAsLongs(Object value) {
    if (value instanceof Integer number) {
      return number.longValue();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> converted = new LinkedHashMap<>();
      ((Map<String, Object>) map).forEach((key, item) -> converted.put(key, numbersAsLongs(item)));
      return converted;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(CrdValidation::numbersAsLongs).toList();
    }
    return value;
  }
}
