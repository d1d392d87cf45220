package org.postgresml.proxy.cancel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A cancel one replica forwards to its peers: the client's CancelRequest key, the replica the key
 * names, a timestamp and an HMAC-SHA256 over all of it with the fleet's shared secret, so that only
 * fleet members can make a peer cancel, and a captured message goes stale within {@link #MAX_AGE}.
 *
 * <p>On the wire it starts like a CancelRequest (length, then a request code of its own), so it
 * arrives on the proxy's normal port and is told apart in the first bytes.
 */
public record PeerCancel(int targetReplica, int processId, int secretKey, long timestampMillis, byte[] mac) {

  /** Our own request code, next to PostgreSQL's 80877102..80877104 and unused by it. */
  public static final int CODE = 80877190;
  public static final Duration MAX_AGE = Duration.ofSeconds(30);
  /**
   * The target a forward names now that keys carry no replica id: every peer looks the key up. The
   * field stays in the signed message so that replicas of the previous release still read it.
   */
  public static final int ANY_REPLICA = 0;
  public static final int LENGTH = 4 + 4 + 4 + 4 + 4 + 8 + 32;

  /** A signed message for the key, stamped now. */
  public static PeerCancel sign(int targetReplica, int processId, int secretKey, Instant now, byte[] fleetSecret) {
    long timestamp = now.toEpochMilli();
    return new PeerCancel(targetReplica, processId, secretKey, timestamp,
        mac(fleetSecret, targetReplica, processId, secretKey, timestamp));
  }

  /** Decodes what follows the length and the code. */
  public static PeerCancel decode(ByteBuf body) {
    int target = body.readInt();
    int processId = body.readInt();
    int secretKey = body.readInt();
    long timestamp = body.readLong();
    byte[] mac = new byte[32];
    body.readBytes(mac);
    return new PeerCancel(target, processId, secretKey, timestamp, mac);
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    return alloc.buffer(LENGTH).writeInt(LENGTH).writeInt(CODE).writeInt(targetReplica).writeInt(processId)
        .writeInt(secretKey).writeLong(timestampMillis).writeBytes(mac);
  }

  /** True when the MAC is the fleet's and the message is fresh. */
  public boolean isAuthentic(byte[] fleetSecret, Instant now) {
    long age = Math.abs(now.toEpochMilli() - timestampMillis);
    if (age > MAX_AGE.toMillis()) {
      return false;
    }
    byte[] expected = mac(fleetSecret, targetReplica, processId, secretKey, timestampMillis);
    return MessageDigest.isEqual(expected, mac);
  }

  private static byte[] mac(byte[] secret, int target, int processId, int secretKey, long timestamp) {
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] data = java.nio.ByteBuffer.allocate(24).putInt(CODE).putInt(target).putInt(processId)
          .putInt(secretKey).putLong(timestamp).array();
      return hmac.doFinal(data);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "PeerCancel[replica=" + targetReplica + ", pid=" + processId + "]";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PeerCancel that && targetReplica == that.targetReplica && processId == that.processId
        && secretKey == that.secretKey && timestampMillis == that.timestampMillis
        && MessageDigest.isEqual(mac, that.mac);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(targetReplica, processId, secretKey, timestampMillis);
  }
}
