package org.postgresml.proxy.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An address range in CIDR notation ({@code 10.0.0.0/8}, {@code 127.0.0.1}, {@code ::1/128}), as a
 * pg_hba.conf line's address column: the clients a user entry applies to.
 */
public record ClientNetwork(byte[] network, int prefixLength, String text) {

  private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

  public static ClientNetwork parse(String key, String text) {
    String trimmed = text.trim();
    int slash = trimmed.indexOf('/');
    String host = slash < 0 ? trimmed : trimmed.substring(0, slash);
    if (!LITERAL.matcher(host).matches()) {
      // An address literal only: a host name would be resolved here, at start, and never again.
      throw new ConfigException(key + " must be an address or CIDR range such as 10.0.0.0/8, not '" + text + "'");
    }
    byte[] address;
    try {
      address = InetAddress.getByName(host).getAddress();
    } catch (UnknownHostException e) {
      throw new ConfigException(key + " must be an address or CIDR range such as 10.0.0.0/8, not '" + text + "'");
    }
    int bits = address.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(trimmed.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bits) {
        throw new ConfigException(key + ": the prefix length of '" + text + "' must be between 0 and " + bits);
      }
    }
    return new ClientNetwork(address, prefix, trimmed);
  }

  /** Whether the client's address lies in this range (an IPv4 range never holds an IPv6 address). */
  public boolean contains(InetAddress client) {
    byte[] address = client.getAddress();
    if (address.length != network.length) {
      return false;
    }
    int full = prefixLength / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixLength % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (address[full] & mask) == (network[full] & mask);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ClientNetwork that && text.equals(that.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
