package org.postgresml.proxy.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.postgresml.proxy.config.ProxySettings.ClientUser;

/**
 * The users that may log in to the proxy, with their SCRAM keys computed once. For an unknown user
 * it makes up keys with a salt derived from the name (as PostgreSQL's mock authentication does), so
 * the exchange looks the same and reveals nothing about which users exist.
 */
public final class ClientUsers {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, Entry> users;
  private final byte[] mockSecret = new byte[32];

  public ClientUsers(List<ClientUser> configured) {
    this.users = configured.stream().collect(Collectors.toUnmodifiableMap(ClientUser::name,
        user -> new Entry(user.password(), ScramCredentials.fromPassword(user.password(), randomBytes(16),
            ScramCredentials.DEFAULT_ITERATIONS)), (a, b) -> b));
    RANDOM.nextBytes(mockSecret);
  }

  /** The password of a known user (md5 needs it). */
  public Optional<String> password(String user) {
    return Optional.ofNullable(users.get(user)).map(Entry::password);
  }

  /** The user's SCRAM keys, or made-up ones that can never match. */
  public ScramCredentials scramCredentials(String user) {
    Entry entry = users.get(user);
    if (entry != null) {
      return entry.scram();
    }
    byte[] salt = Arrays.copyOf(sha256(mockSecret, user.getBytes(StandardCharsets.UTF_8)), 16);
    return new ScramCredentials(salt, ScramCredentials.DEFAULT_ITERATIONS, randomBytes(32), randomBytes(32));
  }

  public boolean exists(String user) {
    return users.containsKey(user);
  }

  /** Printable random characters for nonces (no ',' as SCRAM forbids it). */
  public static String nonce() {
    return java.util.Base64.getEncoder().withoutPadding().encodeToString(randomBytes(18));
  }

  public static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private static byte[] sha256(byte[] key, byte[] data) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(key);
      return digest.digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private record Entry(String password, ScramCredentials scram) {
    @Override
    public String toString() {
      return "Entry[***]";
    }
  }

}
