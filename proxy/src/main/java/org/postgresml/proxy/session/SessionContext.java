package org.postgresml.proxy.session;

import io.netty.handler.ssl.SslContext;
import java.util.Optional;
import org.postgresml.proxy.auth.ClientUsers;
import org.postgresml.proxy.config.ProxySettings;
import org.postgresml.proxy.observe.ProxyMetrics;

/** What every client session shares: settings, TLS, users, cancel keys, the connection source. */
public record SessionContext(
    ProxySettings settings,
    Optional<SslContext> clientTls,
    ClientUsers users,
    CancelKeys cancelKeys,
    ServerConnectionProvider servers,
    SessionRegistry registry,
    ProxyMetrics metrics) {}
