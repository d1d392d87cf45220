package org.postgresml.packaging;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Deleter;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.GenericKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.util.Set;
import java.util.TreeSet;

/**
 * The API permissions the operator needs in a watched namespace, derived from its JOSDK
 * configuration: the primary resource, every dependent of the reconciler's workflow and every
 * informer the reconciler holds. How JOSDK turns those into API requests (production: server-side
 * apply on):
 * <ul>
 *   <li>an informer (primary, dependent, secondary) lists and watches; {@code get} goes with them
 *       (it reveals nothing a list does not); a polling event source reads by name: {@code get};</li>
 *   <li>a {@link Creator} applies a new object: a PATCH that Kubernetes authorizes as {@code create}
 *       when the object does not exist, so both {@code create} and {@code patch};</li>
 *   <li>an {@link Updater} applies changes: {@code patch};</li>
 *   <li>a {@link Deleter} with a reconcile precondition or an activation condition is deleted by the
 *       operator when the condition stops holding: {@code delete} (unconditional dependents are
 *       removed by the garbage collector through their owner reference);</li>
 *   <li>status is written with {@code UpdateControl.patchStatus}: {@code patch} on the status
 *       subresource; a {@link Cleaner} reconciler also adds and removes a finalizer on the primary.</li>
 * </ul>
 */
final class OperatorPermissions {

  private OperatorPermissions() {
  }

  static Set<Permission> forWatchedNamespace(Class<?> reconciler, Class<? extends HasMetadata> primary) {
    Set<Permission> permissions = new TreeSet<>();
    String group = HasMetadata.getGroup(primary);
    String plural = HasMetadata.getPlural(primary);
    permissions.addAll(Permission.all(group, plural, "get", "list", "watch"));
    permissions.add(Permission.of(group, plural + "/status", "patch"));
    if (Cleaner.class.isAssignableFrom(reconciler)) {
      permissions.addAll(Permission.all(group, plural, "patch", "update"));
    }

    Workflow workflow = reconciler.getAnnotation(Workflow.class);
    if (workflow != null) {
      for (Dependent dependent : workflow.dependents()) {
        permissions.addAll(forDependent(dependent));
      }
    }
    for (Field field : reconciler.getDeclaredFields()) {
      if (InformerEventSource.class.isAssignableFrom(field.getType())) {
        Class<?> watched = typeArgument(field);
        permissions.addAll(Permission.all(HasMetadata.getGroup(watched.asSubclass(HasMetadata.class)),
            HasMetadata.getPlural(watched.asSubclass(HasMetadata.class)), "get", "list", "watch"));
      }
      if (PerResourcePollingEventSource.class.isAssignableFrom(field.getType())) {
        // Reads by name, on a timer: get only.
        Class<?> read = typeArgument(field);
        permissions.add(Permission.of(HasMetadata.getGroup(read.asSubclass(HasMetadata.class)),
            HasMetadata.getPlural(read.asSubclass(HasMetadata.class)), "get"));
      }
    }
    return permissions;
  }

  private static Set<Permission> forDependent(Dependent dependent) {
    Class<?> type = dependent.type();
    String[] groupAndPlural = groupAndPlural(type);
    String group = groupAndPlural[0];
    String plural = groupAndPlural[1];
    Set<Permission> permissions = new TreeSet<>(Permission.all(group, plural, "get", "list", "watch"));
    if (Creator.class.isAssignableFrom(type)) {
      permissions.addAll(Permission.all(group, plural, "create", "patch"));
    }
    if (Updater.class.isAssignableFrom(type)) {
      permissions.add(Permission.of(group, plural, "patch"));
    }
    boolean conditional = dependent.reconcilePrecondition() != Condition.class
        || dependent.activationCondition() != Condition.class;
    if (Deleter.class.isAssignableFrom(type) && conditional) {
      permissions.add(Permission.of(group, plural, "delete"));
    }
    return permissions;
  }

  /** Typed dependents name their class; generic ones (no Java model, e.g. ServiceMonitor) a GVK with plural. */
  private static String[] groupAndPlural(Class<?> dependentType) {
    try {
      Object instance = dependentType.getDeclaredConstructor().newInstance();
      if (instance instanceof GenericKubernetesDependentResource<?> generic) {
        var gvk = generic.getGroupVersionKind();
        return new String[] {gvk.getGroup(), gvk.getPluralOrDefault()};
      }
      Class<? extends HasMetadata> resource = ((KubernetesDependentResource<?, ?>) instance).resourceType();
      return new String[] {HasMetadata.getGroup(resource), HasMetadata.getPlural(resource)};
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot instantiate dependent " + dependentType.getName(), e);
    }
  }

  private static Class<?> typeArgument(Field field) {
    var type = (ParameterizedType) field.getGenericType();
    return (Class<?>) type.getActualTypeArguments()[0];
  }
}
