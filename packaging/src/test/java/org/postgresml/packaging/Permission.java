package org.postgresml.packaging;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * One RBAC grant, fully expanded: a verb on a resource (or subresource) of an API group,
 * optionally limited to one object name. Rules are compared as sets of these.
 */
record Permission(String group, String resource, String name, String verb) implements Comparable<Permission> {

  static Permission of(String group, String resource, String verb) {
    return new Permission(group, resource, "", verb);
  }

  static Set<Permission> all(String group, String resource, String... verbs) {
    Set<Permission> permissions = new TreeSet<>();
    for (String verb : verbs) {
      permissions.add(of(group, resource, verb));
    }
    return permissions;
  }

  /** Expands rules into single permissions; a wildcard anywhere is refused outright. */
  static Set<Permission> expand(Collection<PolicyRule> rules) {
    Set<Permission> permissions = new TreeSet<>();
    for (PolicyRule rule : rules) {
      List<String> names = rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
          ? List.of("") : rule.getResourceNames();
      Stream.of(rule.getApiGroups(), rule.getResources(), rule.getVerbs(), names)
          .flatMap(List::stream)
          .filter("*"::equals)
          .findAny()
          .ifPresent(wildcard -> {
            throw new AssertionError("wildcard in RBAC rule " + rule);
          });
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            for (String name : names) {
              permissions.add(new Permission(group, resource, name, verb));
            }
          }
        }
      }
    }
    return permissions;
  }

  @Override
  public int compareTo(Permission other) {
    return toString().compareTo(other.toString());
  }

  @Override
  public String toString() {
    return (group.isEmpty() ? "core" : group) + "/" + resource + (name.isEmpty() ? "" : "[" + name + "]") + ":" + verb;
  }
}
