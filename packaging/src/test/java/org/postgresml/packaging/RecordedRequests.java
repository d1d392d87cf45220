package org.postgresml.packaging;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Turns the requests a client made to the mock API server into the RBAC permissions they need.
 * Namespaced requests are generalised to any object name; cluster-scoped ones keep their name
 * (the chart grants those by resourceNames).
 */
final class RecordedRequests {

  private RecordedRequests() {
  }

  static Set<Permission> drain(KubernetesMockServer server) throws InterruptedException {
    Set<Permission> permissions = new TreeSet<>();
    RecordedRequest request;
    while ((request = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      permissions.add(toPermission(request.getMethod(), request.getPath()));
    }
    return permissions;
  }

  static Permission toPermission(String method, String pathAndQuery) {
    String path = pathAndQuery.split("\\?", 2)[0];
    boolean watch = pathAndQuery.contains("watch=true");
    String[] parts = path.replaceFirst("^/", "").split("/");
    // /api/v1/... (core) or /apis/<group>/<version>/...
    int index = parts[0].equals("api") ? 2 : 3;
    String group = parts[0].equals("api") ? "" : parts[1];
    boolean namespaced = parts.length > index && parts[index].equals("namespaces") && parts.length > index + 2;
    if (namespaced) {
      index += 2;
    }
    String resource = parts[index];
    String name = parts.length > index + 1 ? parts[index + 1] : "";
    if (parts.length > index + 2) {
      resource = resource + "/" + parts[index + 2];
    }
    String verb = switch (method) {
      case "GET" -> watch ? "watch" : name.isEmpty() ? "list" : "get";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> name.isEmpty() ? "deletecollection" : "delete";
      default -> throw new AssertionError("unexpected method " + method + " " + pathAndQuery);
    };
    return new Permission(group, resource, namespaced ? "" : name, verb);
  }
}
