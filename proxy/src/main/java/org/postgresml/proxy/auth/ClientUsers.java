package org.postgresml.proxy.auth;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.postgresml.proxy.config.ClientAuthMethod;
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
    this(configured, ScramCredentials.DEFAULT_ITERATIONS);
  }

  /** @param iterations of the SCRAM keys (PostgreSQL's 4096 for every configured user) */
  public ClientUsers(List<ClientUser> configured, int iterations) {
    // A trust-only user has no password, and so no SCRAM keys: a password login as it always fails.
    this.users = configured.stream().collect(Collectors.toUnmodifiableMap(ClientUser::name,
        user -> new Entry(user, user.password().isEmpty() ? null : ScramCredentials.fromPassword(user.password(),
            randomBytes(16), iterations)), (a, b) -> b));
    RANDOM.nextBytes(mockSecret);
  }

  /** The password of a known user (md5 needs it); empty also for a user without one. */
  public Optional<String> password(String user) {
    return Optional.ofNullable(users.get(user)).map(entry -> entry.user().password()).filter(p -> !p.isEmpty());
  }

  /**
   * How this user logs in from this address, as a pg_hba.conf line says: its own method, else
   * {@code defaultMethod}; empty when its entry names addresses the client is not among. An unknown
   * user gets {@code defaultMethod}, so its exchange runs and fails like anyone's.
   */
  public Optional<ClientAuthMethod> methodFor(String user, SocketAddress remote, ClientAuthMethod defaultMethod) {
    Entry entry = users.get(user);
    if (entry == null) {
      return Optional.of(defaultMethod);
    }
    if (entry.user().address().isPresent()) {
      boolean inside = remote instanceof InetSocketAddress address && address.getAddress() != null
          && entry.user().address().get().contains(address.getAddress());
      if (!inside) {
        return Optional.empty();
      }
    }
    return Optional.of(entry.user().method().orElse(defaultMethod));
  }

  /** The user's SCRAM keys, or made-up ones that can never match. */
  public ScramCredentials scramCredentials(String user) {
    Entry entry = users.get(user);
    if (entry != null && entry.scram() != null) {
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

  private record Entry(ClientUser user, ScramCredentials scram) {
    @Override
    public String toString() {
      return "Entry[***]";
    }
  }

}
