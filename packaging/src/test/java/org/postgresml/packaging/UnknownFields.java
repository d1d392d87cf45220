package org.postgresml.packaging;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Finds the fields that a typed Fabric8 object did not recognise. Fabric8's model classes keep
 * unknown keys (and values of the wrong type) in {@code additionalProperties} instead of failing,
 * so a strict check has to walk the object and look at every such map.
 */
final class UnknownFields {

  private UnknownFields() {
  }

  /** Paths such as {@code spec.template.spec.containers[0].imagePullPolic}; empty when all is known. */
  static List<String> of(Object model) {
    List<String> found = new ArrayList<>();
    walk(model, "", found);
    return found;
  }

  private static void walk(Object value, String path, List<String> found) {
    if (value == null) {
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((key, item) -> walk(item, join(path, String.valueOf(key)), found));
      return;
    }
    if (value instanceof Collection<?> items) {
      int index = 0;
      for (Object item : items) {
        walk(item, path + "[" + index++ + "]", found);
      }
      return;
    }
    if (value instanceof Enum<?> || !isModel(value.getClass())) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (!isPropertyGetter(getter)) {
        continue;
      }
      Object property = invoke(getter, value);
      if (getter.getName().equals("getAdditionalProperties")) {
        if (property instanceof Map<?, ?> extra) {
          extra.keySet().forEach(key -> found.add(join(path, String.valueOf(key))));
        }
      } else {
        walk(property, join(path, propertyName(getter)), found);
      }
    }
  }

  /** Model classes are Fabric8's and ours; JDK and Jackson values are leaves. */
  private static boolean isModel(Class<?> type) {
    String name = type.getName();
    return name.startsWith("io.fabric8.") || name.startsWith("org.postgresml.");
  }

  private static boolean isPropertyGetter(Method method) {
    String name = method.getName();
    return method.getParameterCount() == 0
        && !Modifier.isStatic(method.getModifiers())
        && method.getDeclaringClass() != Object.class
        && method.getDeclaringClass() != Enum.class
        && (name.startsWith("get") && name.length() > 3 || name.startsWith("is") && name.length() > 2)
        && method.getReturnType() != void.class;
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      // Derived getters of custom resources (e.g. CRD names) may throw; they carry no user field.
      return null;
    }
  }

  private static String propertyName(Method getter) {
    String name = getter.getName();
    String bare = name.startsWith("is") ? name.substring(2) : name.substring(3);
    return Character.toLowerCase(bare.charAt(0)) + bare.substring(1);
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }
}
