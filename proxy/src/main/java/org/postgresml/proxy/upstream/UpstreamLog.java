package org.postgresml.proxy.upstream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The upstream side's logger, one name for every class of the package. */
final class UpstreamLog {

  static final Logger LOG = LoggerFactory.getLogger("org.postgresml.proxy.upstream");

  private UpstreamLog() {}
}
