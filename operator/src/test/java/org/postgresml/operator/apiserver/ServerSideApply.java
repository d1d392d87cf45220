package org.postgresml.operator.apiserver;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a real API server stores, and returns, after a server-side apply, as far as a field
 * manager's matching depends on it: the applied fields merged into the live object (fields this
 * manager owned before and no longer applies are removed, associative lists merge by key), the
 * zero values of {@code omitempty} fields dropped, the server's defaults filled in, and the
 * applied field set recorded as this manager's {@code Apply} entry of {@code managedFields}.
 */
public final class ServerSideApply {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ServerSideApply() {
  }

  /**
   * @param applied the request body
   * @param live the stored object, or null when the apply creates it
   * @return the object to store (identity fields such as uid and resourceVersion are the store's)
   */
  public static Map<String, Object> apply(Map<String, Object> applied, Map<String, Object> live, String manager) {
    String kind = String.valueOf(applied.get("kind"));
    Map<String, Object> request = copy(applied);
    metadata(request).remove("managedFields");
    metadata(request).remove("resourceVersion");
    if (!ListKeys.isCustomResource(kind)) {
      // A port's protocol is part of its list key, which the server computes after defaulting.
      fillProtocols(request);
    }
    Map<String, Object> fields = FieldSets.of(kind, request);

    Map<String, Object> stored;
    List<Object> managedFields = new ArrayList<>();
    if (live == null) {
      stored = request;
    } else {
      stored = copy(live);
      Object previous = metadata(stored).remove("managedFields");
      if (previous instanceof List<?> entries) {
        for (Object entry : entries) {
          Map<String, Object> managed = FieldSets.cast((Map<?, ?>) entry);
          if (manager.equals(managed.get("manager")) && "Apply".equals(managed.get("operation"))) {
            Object ownedBefore = FieldSets.cast((Map<?, ?>) managed.get("fieldsV1"));
            removeOwned(kind, "", stored, FieldSets.cast((Map<?, ?>) ownedBefore));
          } else {
            managedFields.add(entry);
          }
        }
      }
      merge(kind, "", stored, request);
    }
    if (!ListKeys.isCustomResource(kind)) {
      GoOmitEmpty.drop(stored);
    }
    ServerDefaults.apply(kind, stored);
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("manager", manager);
    entry.put("operation", "Apply");
    entry.put("apiVersion", applied.get("apiVersion"));
    entry.put("time", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    entry.put("fieldsType", "FieldsV1");
    entry.put("fieldsV1", fields);
    managedFields.add(entry);
    metadata(stored).put("managedFields", managedFields);
    return stored;
  }

  @SuppressWarnings("unchecked")
  private static void fillProtocols(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> fields = (Map<String, Object>) map;
      if (fields.get("ports") instanceof List<?> ports) {
        for (Object port : ports) {
          if (port instanceof Map<?, ?> entry && (entry.containsKey("containerPort") || entry.containsKey("port"))
              && !(entry.get("port") instanceof String)) {
            ((Map<String, Object>) entry).putIfAbsent("protocol", "TCP");
          }
        }
      }
      fields.values().forEach(ServerSideApply::fillProtocols);
    } else if (value instanceof List<?> list) {
      list.forEach(ServerSideApply::fillProtocols);
    }
  }

  /** Removes from {@code target} what {@code owned} (a FieldsV1 set) names. */
  @SuppressWarnings("unchecked")
  private static void removeOwned(String kind, String path, Map<String, Object> target, Map<String, Object> owned) {
    for (Map.Entry<String, Object> field : owned.entrySet()) {
      if (!field.getKey().startsWith("f:")) {
        continue;
      }
      String name = field.getKey().substring(2);
      Map<String, Object> below = FieldSets.cast((Map<?, ?>) field.getValue());
      Object value = target.get(name);
      String childPath = path.isEmpty() ? name : path + "." + name;
      if (below.isEmpty() || value == null) {
        target.remove(name);
      } else if (value instanceof Map<?, ?> map) {
        removeOwned(kind, childPath, (Map<String, Object>) map, below);
        if (map.isEmpty()) {
          target.remove(name);
        }
      } else if (value instanceof List<?> list) {
        List<String> keys = ListKeys.of(kind, childPath);
        if (keys == null) {
          target.remove(name);
          continue;
        }
        Iterator<?> items = list.iterator();
        while (items.hasNext()) {
          Map<String, Object> item = (Map<String, Object>) items.next();
          Object entryFields = below.get("k:" + FieldSets.keyOf(item, keys));
          if (entryFields == null) {
            continue;
          }
          // The entry's key stays while anything else is left in it (a node port the server allocated).
          Map<String, Object> ownedInEntry = new LinkedHashMap<>(FieldSets.cast((Map<?, ?>) entryFields));
          keys.forEach(key -> ownedInEntry.remove("f:" + key));
          removeOwned(kind, childPath, item, ownedInEntry);
          if (keys.containsAll(item.keySet())) {
            items.remove();
          }
        }
        if (list.isEmpty()) {
          target.remove(name);
        }
      } else {
        target.remove(name);
      }
    }
  }

  /** Merges the applied request into the live object, as the structured-merge-diff library does. */
  @SuppressWarnings("unchecked")
  private static void merge(String kind, String path, Map<String, Object> target, Map<String, Object> request) {
    for (Map.Entry<String, Object> field : request.entrySet()) {
      String name = field.getKey();
      String childPath = path.isEmpty() ? name : path + "." + name;
      Object value = field.getValue();
      Object current = target.get(name);
      if (value instanceof Map<?, ?> map && current instanceof Map<?, ?> currentMap) {
        merge(kind, childPath, (Map<String, Object>) currentMap, (Map<String, Object>) map);
      } else if (value instanceof List<?> list && current instanceof List<?> currentList
          && ListKeys.of(kind, childPath) != null) {
        List<String> keys = ListKeys.of(kind, childPath);
        List<Object> merged = new ArrayList<>();
        List<Map<String, Object>> remaining = new ArrayList<>((List<Map<String, Object>>) currentList);
        for (Object item : list) {
          Map<String, Object> element = (Map<String, Object>) item;
          String key = FieldSets.keyOf(element, keys);
          Map<String, Object> existing = remaining.stream()
              .filter(candidate -> Objects.equals(FieldSets.keyOf(candidate, keys), key)).findFirst().orElse(null);
          if (existing != null) {
            remaining.remove(existing);
            merge(kind, childPath, existing, element);
            merged.add(existing);
          } else {
            merged.add(copy(element));
          }
        }
        merged.addAll(remaining);
        target.put(name, merged);
      } else {
        target.put(name, copyValue(value));
      }
    }
  }

  private static Map<String, Object> metadata(Map<String, Object> object) {
    return FieldSets.cast((Map<?, ?>) object.computeIfAbsent("metadata", k -> new LinkedHashMap<>()));
  }

  /** A deep copy (Jackson's convertValue would hand back the same map). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> copy(Map<String, Object> object) {
    return (Map<String, Object>) copyValue(object);
  }

  private static Object copyValue(Object value) {
    try {
      return value == null ? null : JSON.readValue(JSON.writeValueAsBytes(value), Object.class);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
