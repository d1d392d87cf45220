package org.postgresml.proxy.config;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest (shaded builds), or "development". */
public final class ProxyVersion implements IVersionProvider {

  public static String text() {
    String version = ProxyVersion.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"pgml-proxy " + text()};
  }
}
