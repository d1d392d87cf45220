package org.postgresml.proxy.auth;

import com.ongres.scram.common.ScramFunctions;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677) as PostgreSQL runs it: the
 * user comes from the startup message, so the SCRAM user name is ignored. Over TLS the server also
 * offers SCRAM-SHA-256-PLUS with tls-server-end-point channel binding (RFC 5929: a hash of the
 * certificate the proxy presented), which proves to the client that no one in between terminated
 * its TLS; without TLS the client's GS2 flag must be 'n' or 'y'.
 */
public final class ScramServerExchange {

  public static final String SCRAM_SHA_256 = "SCRAM-SHA-256";
  public static final String SCRAM_SHA_256_PLUS = "SCRAM-SHA-256-PLUS";
  private static final String TLS_SERVER_END_POINT = "p=tls-server-end-point";

  private final ScramCredentials credentials;
  private final String serverNonce;
  /** The channel binding data of this connection when -PLUS was offered (TLS); null otherwise. */
  private final byte[] channelBinding;
  private String mechanism = SCRAM_SHA_256;
  private boolean bound;
  private String clientFirstBare;
  private String gs2Header;
  private String serverFirst;
  private String nonce;

  /**
   * @param credentials the user's keys; for an unknown user, made-up keys so that the exchange
   *     runs identically and fails only at the proof
   * @param serverNonce the server's part of the nonce (random printable characters)
   */
  public ScramServerExchange(ScramCredentials credentials, String serverNonce) {
    this(credentials, serverNonce, null);
  }

  /**
   * @param channelBinding tls-server-end-point data of this connection's certificate when
   *     SCRAM-SHA-256-PLUS was offered, or null
   */
  public ScramServerExchange(ScramCredentials credentials, String serverNonce, byte[] channelBinding) {
    this.credentials = credentials;
    this.serverNonce = serverNonce;
    this.channelBinding = channelBinding == null ? null : channelBinding.clone();
  }

  /** The mechanisms to offer, strongest first (as PostgreSQL lists them). */
  public List<String> mechanisms() {
    return channelBinding == null ? List.of(SCRAM_SHA_256) : List.of(SCRAM_SHA_256_PLUS, SCRAM_SHA_256);
  }

  /** Takes the client-first-message with the mechanism it chose, and returns the server-first-message. */
  public String serverFirst(String chosenMechanism, String clientFirstMessage) throws AuthenticationFailedException {
    if (!mechanisms().contains(chosenMechanism)) {
      throw new AuthenticationFailedException("client chose an unoffered SASL mechanism");
    }
    mechanism = chosenMechanism;
    return serverFirst(clientFirstMessage);
  }

  /** Takes the client-first-message (of SCRAM-SHA-256) and returns the server-first-message. */
  public String serverFirst(String clientFirstMessage) throws AuthenticationFailedException {
    String[] parts = clientFirstMessage.split(",", 3);
    if (parts.length < 3) {
      throw new AuthenticationFailedException("malformed SCRAM client-first-message");
    }
    boolean plus = SCRAM_SHA_256_PLUS.equals(mechanism);
    switch (parts[0]) {
      case "n" -> {
        if (plus) {
          throw new AuthenticationFailedException("SCRAM-SHA-256-PLUS chosen without channel binding");
        }
      }
      case "y" -> {
        // The client can bind but thinks this server cannot: a man in the middle hid -PLUS (RFC 5802 6).
        if (channelBinding != null) {
          throw new AuthenticationFailedException("SCRAM channel binding negotiation error: the client supports"
              + " channel binding but thinks the proxy does not");
        }
      }
      case TLS_SERVER_END_POINT -> {
        if (!plus) {
          throw new AuthenticationFailedException("SCRAM channel binding requested without SCRAM-SHA-256-PLUS");
        }
        bound = true;
      }
      case "" -> throw new AuthenticationFailedException("malformed SCRAM client-first-message");
      default -> throw new AuthenticationFailedException(channelBinding == null
          ? "SCRAM channel binding was not offered by the proxy" : "unsupported SCRAM channel binding type");
    }
    if (!parts[1].isEmpty()) {
      throw new AuthenticationFailedException("SCRAM authorization identities are not supported");
    }
    gs2Header = parts[0] + "," + parts[1] + ",";
    clientFirstBare = parts[2];
    String clientNonce = attributes(clientFirstBare).get('r');
    if (clientNonce == null || clientNonce.isEmpty()) {
      throw new AuthenticationFailedException("SCRAM client-first-message without a nonce");
    }
    nonce = clientNonce + serverNonce;
    serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(credentials.salt())
        + ",i=" + credentials.iterations();
    return serverFirst;
  }

  /**
   * Takes the client-final-message; returns the server-final-message when the proof is right.
   *
   * @throws AuthenticationFailedException for a wrong password and for a malformed message alike
   */
  public String serverFinal(String clientFinalMessage) throws AuthenticationFailedException {
    if (serverFirst == null) {
      throw new AuthenticationFailedException("SCRAM client-final-message before client-first-message");
    }
    int proofAt = clientFinalMessage.lastIndexOf(",p=");
    if (proofAt < 0) {
      throw new AuthenticationFailedException("malformed SCRAM client-final-message");
    }
    String withoutProof = clientFinalMessage.substring(0, proofAt);
    Map<Character, String> attributes = attributes(withoutProof);
    byte[] header = gs2Header.getBytes(StandardCharsets.UTF_8);
    byte[] bindingInput = header;
    if (bound) {
      bindingInput = Arrays.copyOf(header, header.length + channelBinding.length);
      System.arraycopy(channelBinding, 0, bindingInput, header.length, channelBinding.length);
    }
    String expectedBinding = Base64.getEncoder().encodeToString(bindingInput);
    if (!expectedBinding.equals(attributes.get('c'))) {
      throw new AuthenticationFailedException("SCRAM channel binding data does not match");
    }
    if (!nonce.equals(attributes.get('r'))) {
      throw new AuthenticationFailedException("SCRAM nonce does not match");
    }
    byte[] proof;
    try {
      proof = Base64.getDecoder().decode(clientFinalMessage.substring(proofAt + 3));
    } catch (IllegalArgumentException e) {
      throw new AuthenticationFailedException("malformed SCRAM proof", e);
    }
    String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    if (proof.length != credentials.storedKey().length
        || !ScramFunctions.verifyClientProof(ScramCredentials.MECHANISM, proof, credentials.storedKey(), authMessage)) {
      throw new AuthenticationFailedException("wrong password");
    }
    byte[] signature = ScramFunctions.serverSignature(ScramCredentials.MECHANISM, credentials.serverKey(), authMessage);
    return "v=" + Base64.getEncoder().encodeToString(signature);
  }

  private static Map<Character, String> attributes(String message) throws AuthenticationFailedException {
    Map<Character, String> attributes = new LinkedHashMap<>();
    for (String part : message.split(",")) {
      if (part.length() < 2 || part.charAt(1) != '=') {
        throw new AuthenticationFailedException("malformed SCRAM attribute");
      }
      attributes.putIfAbsent(part.charAt(0), part.substring(2));
    }
    return attributes;
  }
}
