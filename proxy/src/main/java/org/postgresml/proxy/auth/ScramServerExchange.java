package org.postgresml.proxy.auth;

import com.ongres.scram.common.ScramFunctions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677) as PostgreSQL runs it: the
 * user comes from the startup message, so the SCRAM user name is ignored. Channel binding is not
 * offered, so the client's GS2 flag must be 'n' or 'y'.
 */
public final class ScramServerExchange {

  private final ScramCredentials credentials;
  private final String serverNonce;
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
    this.credentials = credentials;
    this.serverNonce = serverNonce;
  }

  /** Takes the client-first-message and returns the server-first-message. */
  public String serverFirst(String clientFirstMessage) throws AuthenticationFailedException {
    String[] parts = clientFirstMessage.split(",", 3);
    if (parts.length < 3) {
      throw new AuthenticationFailedException("malformed SCRAM client-first-message");
    }
    switch (parts[0]) {
      case "n", "y" -> { }
      case "" -> throw new AuthenticationFailedException("malformed SCRAM client-first-message");
      default -> throw new AuthenticationFailedException("SCRAM channel binding was not offered by the proxy");
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
    String expectedBinding = Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8));
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
