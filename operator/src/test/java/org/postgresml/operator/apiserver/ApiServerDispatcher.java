package org.postgresml.operator.apiserver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The Fabric8 CRUD mock API server, plus the two things a real one does that the operator's
 * tests need: server-side apply ({@code PATCH} with {@code application/apply-patch+yaml}, stored as
 * {@link ServerSideApply} says a real server stores it, create included), and answers a test
 * scripts for chosen writes (a 422 with the API server's message). Every write it receives is
 * recorded, so a test counts them.
 */
public final class ApiServerDispatcher extends KubernetesCrudDispatcher {

  public static final String APPLY_PATCH = "application/apply-patch+yaml";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  private final boolean serverSideApply;
  private final Queue writes = new Queue();
  private final List<Rejection> rejections = new CopyOnWriteArrayList<>();

  /** @param serverSideApply whether apply patches are served (a real server's behaviour) */
  public ApiServerDispatcher(boolean serverSideApply) {
    this.serverSideApply = serverSideApply;
  }

  /** One write request as received: method, path (query included), content type and body. */
  public record Write(String method, String path, String contentType, String body) {
    public boolean isStatus() {
      return pathOnly(path).endsWith("/status");
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  /** A scripted answer to the writes that match. */
  private record Rejection(Predicate<Write> matches, int code, String reason, String message) {
  }

  /** Answers every write that matches with {@code code} and a Status carrying {@code message}. */
  public void reject(Predicate<Write> matches, int code, String reason, String message) {
    rejections.add(new Rejection(matches, code, reason, message));
  }

  public void stopRejecting() {
    rejections.clear();
  }

  /** The writes received since the last call. */
  public List<Write> drainWrites() {
    return writes.drain();
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    if (!"GET".equals(request.getMethod())) {
      Write write = new Write(request.getMethod(), request.getPath(), request.getHeader("Content-Type"),
          request.getBody().readUtf8());
      writes.add(write);
      Optional<Rejection> rejection = rejections.stream().filter(r -> r.matches().test(write)).findFirst();
      if (rejection.isPresent()) {
        return status(rejection.get().code(), rejection.get().reason(), rejection.get().message());
      }
      // The body was read for the record: hand the handlers a fresh request.
      request = new RecordedRequest("HTTP/1.1", request.method(), request.getPath(), request.getHeaders(),
          new Buffer(write.body().getBytes(StandardCharsets.UTF_8)));
      if (serverSideApply && "PATCH".equals(write.method()) && write.contentType() != null
          && write.contentType().startsWith(APPLY_PATCH)) {
        return apply(write);
      }
    }
    return super.dispatch(request);
  }

  /** Serialised, so that the read of the live object and the write that follows stay together. */
  private synchronized MockResponse apply(Write write) {
    String path = pathOnly(write.path());
    boolean status = path.endsWith("/status");
    String objectPath = status ? path.substring(0, path.length() - "/status".length()) : path;
    String manager = queryParameter(write.path(), "fieldManager").orElse("unknown");
    Map<String, Object> applied = read(write.body(), YAML);

    MockResponse current = super.handleGet(objectPath);
    if (current.code() == 404) {
      if (status) {
        return current;
      }
      Map<String, Object> stored = ServerSideApply.apply(applied, null, manager);
      String collection = objectPath.substring(0, objectPath.lastIndexOf('/'));
      return super.handleCreate(request(HttpMethod.POST, collection, stored));
    }
    Map<String, Object> live = read(current.getBody().readUtf8(), JSON);
    String appliedVersion = String.valueOf(FieldSets.cast((Map<?, ?>) applied.get("metadata"))
        .getOrDefault("resourceVersion", ""));
    String liveVersion = String.valueOf(FieldSets.cast((Map<?, ?>) live.get("metadata")).get("resourceVersion"));
    if (!appliedVersion.isEmpty() && !appliedVersion.equals(liveVersion)) {
      return status(409, "Conflict", "the object has been modified; please apply your changes to the latest "
          + "version and try again");
    }
    Map<String, Object> stored;
    if (status) {
      stored = live;
      // This manager is the status's only writer in these tests: its apply replaces the status.
      stored.put("status", applied.get("status"));
    } else {
      stored = ServerSideApply.apply(applied, live, manager);
      stored.put("status", live.get("status"));
    }
    FieldSets.cast((Map<?, ?>) stored.get("metadata")).put("resourceVersion", liveVersion);
    return super.handleUpdate(request(HttpMethod.PUT, path, stored));
  }

  private static RecordedRequest request(HttpMethod method, String path, Map<String, Object> body) {
    try {
      return new RecordedRequest("HTTP/1.1", method, path,
          Headers.builder().add("Content-Type", "application/json").build(),
          new Buffer(JSON.writeValueAsBytes(body)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A Status as the API server answers a refused write. */
  private static MockResponse status(int code, String reason, String message) {
    Map<String, Object> body = Map.of("apiVersion", "v1", "kind", "Status", "status", "Failure",
        "message", message, "reason", reason, "code", code);
    try {
      return new MockResponse().setResponseCode(code).setBody(JSON.writeValueAsString(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> read(String body, ObjectMapper mapper) {
    try {
      return FieldSets.cast(mapper.readValue(body, Map.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String pathOnly(String path) {
    int query = path.indexOf('?');
    return query < 0 ? path : path.substring(0, query);
  }

  private static Optional<String> queryParameter(String path, String name) {
    int query = path.indexOf('?');
    if (query < 0) {
      return Optional.empty();
    }
    for (String pair : path.substring(query + 1).split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0 && pair.substring(0, equals).equals(name)) {
        return Optional.of(URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
      }
    }
    return Optional.empty();
  }

  /** The writes received, in order. */
  private static final class Queue {
    private final ConcurrentLinkedQueue<Write> items = new ConcurrentLinkedQueue<>();

    void add(Write write) {
      items.add(write);
    }

    List<Write> drain() {
      List<Write> drained = new java.util.ArrayList<>();
      Write write;
      while ((write = items.poll()) != null) {
        drained.add(write);
      }
      return drained;
    }
  }
}
