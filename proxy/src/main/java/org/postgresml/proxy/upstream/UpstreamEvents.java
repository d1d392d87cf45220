package org.postgresml.proxy.upstream;

/**
 * What upstream connections report as they log in and relay, for the metrics. The metrics
 * (observe/ProxyMetrics) implement it, so this package reports upward without depending on them.
 * Called on event loops: must not block.
 */
public interface UpstreamEvents {

  /** Events nobody counts: the login warm-up's own connections, tests. */
  UpstreamEvents NONE = new UpstreamEvents() {
    @Override
    public void upstreamConnected(long nanos) {}

    @Override
    public void upstreamConnectFailed() {}

    @Override
    public void error(String sqlStateClass) {}
  };

  /** An upstream connection logged in, this many nanoseconds after it started. */
  void upstreamConnected(long nanos);

  /** An upstream connection attempt failed (TCP, TLS or login). */
  void upstreamConnectFailed();

  /** An ErrorResponse seen on its way to a client, by SQLSTATE class. */
  void error(String sqlStateClass);
}
