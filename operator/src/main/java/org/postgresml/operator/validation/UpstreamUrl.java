package org.postgresml.operator.validation;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The parts of the upstream URL the operator needs (the database name for connectSql), and the
 * checks the CRD cannot make because the URL lives in a Secret. Messages never quote the URL:
 * it contains a password.
 */
public record UpstreamUrl(String host, int port, String database, String user) {

  public static UpstreamUrl parse(String url) {
    String text = url.strip();
    if (!text.startsWith("postgres://") && !text.startsWith("postgresql://")) {
      throw new InvalidUpstreamUrlException("it must start with postgres:// or postgresql://");
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      // The exception's message quotes the input (with its password), so only its position is kept.
      throw new InvalidUpstreamUrlException("it is not a valid URL (error at character " + e.getIndex()
          + "; percent-encode special characters in the password)");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new InvalidUpstreamUrlException("it names no host");
    }
    String userInfo = uri.getRawUserInfo();
    if (userInfo == null || userInfo.isEmpty() || userInfo.startsWith(":")) {
      throw new InvalidUpstreamUrlException("it names no user");
    }
    String rawPath = uri.getRawPath();
    if (rawPath == null || rawPath.length() <= 1) {
      throw new InvalidUpstreamUrlException("it names no database (postgres://user:password@host:port/database)");
    }
    String user = decode(userInfo.contains(":") ? userInfo.substring(0, userInfo.indexOf(':')) : userInfo);
    return new UpstreamUrl(uri.getHost(), uri.getPort() == -1 ? 5432 : uri.getPort(),
        decode(rawPath.substring(1)), user);
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  /** The URL is unusable; the message says why without quoting it. */
  public static final class InvalidUpstreamUrlException extends IllegalArgumentException {
    public InvalidUpstreamUrlException(String message) {
      super(message);
    }
  }
}
