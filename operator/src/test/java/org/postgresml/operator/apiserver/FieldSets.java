package org.postgresml.operator.apiserver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fields an apply request sets, in the API server's FieldsV1 form (the value of a
 * {@code managedFields} entry): {@code f:<field>} for a field, {@code k:<key JSON>} for an entry
 * of an associative list, and an atomic value (scalar, atomic list) as an empty object. Built
 * from the request body as sent, before anything is dropped or defaulted: that is how a real
 * server records ownership, and why a {@code false} it does not store still counts as owned.
 */
final class FieldSets {

  private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  /** Not part of any field set: identity and server-managed metadata. */
  private static final Set<String> TOP_LEVEL_SKIPPED = Set.of("apiVersion", "kind");
  private static final Set<String> METADATA_SKIPPED = Set.of("name", "namespace", "uid", "resourceVersion",
      "generation", "creationTimestamp", "managedFields", "selfLink");

  private FieldSets() {
  }

  static Map<String, Object> of(String kind, Map<String, Object> applied) {
    Map<String, Object> fields = new LinkedHashMap<>();
    applied.forEach((key, value) -> {
      if (TOP_LEVEL_SKIPPED.contains(key)) {
        return;
      }
      if (key.equals("metadata") && value instanceof Map<?, ?> metadata) {
        Map<String, Object> owned = new LinkedHashMap<>();
        cast(metadata).forEach((field, fieldValue) -> {
          if (!METADATA_SKIPPED.contains(field)) {
            owned.put("f:" + field, fieldsOf(kind, "metadata." + field, fieldValue));
          }
        });
        fields.put("f:metadata", owned);
      } else {
        fields.put("f:" + key, fieldsOf(kind, key, value));
      }
    });
    return fields;
  }

  private static Object fieldsOf(String kind, String path, Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> fields = new LinkedHashMap<>();
      cast(map).forEach((key, child) -> fields.put("f:" + key, fieldsOf(kind, path + "." + key, child)));
      return fields;
    }
    if (value instanceof List<?> list) {
      List<String> keys = ListKeys.of(kind, path);
      if (keys == null) {
        return new LinkedHashMap<>();
      }
      Map<String, Object> entries = new LinkedHashMap<>();
      for (Object item : list) {
        Map<String, Object> element = cast((Map<?, ?>) item);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put(".", new LinkedHashMap<>());
        element.forEach((key, child) -> entry.put("f:" + key, fieldsOf(kind, path + "." + key, child)));
        entries.put("k:" + keyOf(element, keys), entry);
      }
      return entries;
    }
    return new LinkedHashMap<>();
  }

  /** The key of an associative list entry as the API server writes it: JSON, fields sorted. */
  static String keyOf(Map<String, Object> element, List<String> keys) {
    Map<String, Object> key = new TreeMap<>();
    for (String field : keys) {
      if (element.containsKey(field)) {
        key.put(field, element.get(field));
      }
    }
    try {
      return JSON.writeValueAsString(key);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> cast(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }
}
