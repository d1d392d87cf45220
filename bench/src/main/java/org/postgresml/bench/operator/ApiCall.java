package org.postgresml.bench.operator;

import java.util.List;
import java.util.Locale;

/**
 * One API request reduced to what the benchmark counts: a read, a watch (an informer's long-lived
 * GET) or a write, and the resource it touched ({@code deployments}, {@code pgmlproxies/status}).
 *
 * @param method HTTP method as sent
 * @param resource plural resource name, with the subresource after a slash where there is one
 * @param watch whether the request asked to watch ({@code ?watch=true}) rather than to read once
 */
public record ApiCall(String method, String resource, boolean watch) {

  /** What a request does to the API server's state. */
  public enum Verb { READ, WATCH, WRITE }

  /** Parses a request line's method and path, e.g. {@code GET /apis/apps/v1/namespaces/a/deployments?watch=true}. */
  public static ApiCall of(String method, String pathAndQuery) {
    int query = pathAndQuery.indexOf('?');
    String path = query < 0 ? pathAndQuery : pathAndQuery.substring(0, query);
    boolean watch = query >= 0 && List.of(pathAndQuery.substring(query + 1).split("&")).stream()
        .anyMatch(parameter -> parameter.equals("watch=true") || parameter.equals("watch=1"));
    return new ApiCall(method.toUpperCase(Locale.ROOT), resource(path), watch);
  }

  public Verb verb() {
    return switch (method) {
      case "GET", "HEAD", "OPTIONS" -> watch ? Verb.WATCH : Verb.READ;
      default -> Verb.WRITE;
    };
  }

  private static String resource(String path) {
    List<String> segments = List.of(path.replaceAll("^/+|/+$", "").split("/+"));
    // /api/v1/... (core) or /apis/<group>/<version>/...; then namespaces/<ns>/ for namespaced kinds.
    int kind = segments.isEmpty() ? 0 : segments.get(0).equals("api") ? 2 : segments.get(0).equals("apis") ? 3 : 0;
    if (kind > 0 && segments.size() > kind + 2 && segments.get(kind).equals("namespaces")) {
      kind += 2;
    }
    if (kind == 0 || segments.size() <= kind) {
      return path.isEmpty() ? "/" : path; // discovery (/version, /apis) or a path this parser does not know
    }
    // <kind>/<name>/<subresource>: keep the subresource, drop the object's name.
    return segments.size() > kind + 2 ? segments.get(kind) + "/" + segments.get(kind + 2) : segments.get(kind);
  }
}
