package org.postgresml.proxy.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Notices when the configuration file's content changes and runs the reload. It compares digests
 * on an interval rather than trusting file events: Kubernetes updates a mounted Secret or
 * ConfigMap by swapping a symlink, which directory watches see only inconsistently.
 */
public final class ConfigFileWatcher implements AutoCloseable {

  private final Path file;
  private final Runnable onChange;
  private byte[] digest;
  private ScheduledFuture<?> task;

  public ConfigFileWatcher(Path file, Runnable onChange) {
    this.file = file;
    this.onChange = onChange;
    this.digest = digest();
  }

  public ConfigFileWatcher start(ScheduledExecutorService timer, long intervalMillis) {
    task = timer.scheduleWithFixedDelay(this::check, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    return this;
  }

  void check() {
    byte[] now = digest();
    if (now != null && !Arrays.equals(now, digest)) {
      digest = now;
      onChange.run();
    }
  }

  private byte[] digest() {
    try {
      return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    } catch (IOException e) {
      return null; // mid-swap or removed: keep the last known content, look again next time
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  @Override
  public void close() {
    if (task != null) {
      task.cancel(false);
    }
  }
}
