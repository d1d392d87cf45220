package org.postgresml.packaging;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * One container of a built image, run with {@code buildah run --isolation chroot} the way a kubelet
 * would start the pod's container: the image's own entrypoint with the pod's args, its env, its
 * user, its mounted files read-only, an in-memory {@code /tmp} (the pods' emptyDir) and a read-only
 * root filesystem. buildah has no {@code --read-only}; the launcher makes the container's root a
 * read-only bind mount in a private mount namespace (so nothing leaks when the test dies), leaving
 * only {@code /run} writable because buildah itself writes {@code /run/.containerenv} there.
 * Chroot isolation shares the host's network (so the container reaches the test's PostgreSQL on
 * loopback, and must itself listen on loopback) and its PID namespace: "PID 1" is the process
 * that runs the entrypoint's first word ({@code tini}), found among the launcher's descendants.
 */
final class ContainerRun implements AutoCloseable {

  /** Runs in the new mount namespace: root read-only, /run writable, then buildah. */
  private static final String READ_ONLY_ROOT = "set -e; root=\"$1\"; shift;"
      + " mount --bind \"$root\" \"$root\"; mount -o remount,bind,ro \"$root\";"
      + " mount --bind \"$root/run\" \"$root/run\"; mount -o remount,bind,rw \"$root/run\"; exec \"$@\"";

  /** What the pod spec gives the container; {@code args} follow the image's entrypoint. */
  record Spec(List<String> args, Map<String, String> env, List<String> readOnlyVolumes, String user) {
  }

  private final Buildah buildah;
  private final String name;
  private final String entrypoint;
  private final RootfsWrites writes;
  private final Process launcher;
  private final Path log;

  private ContainerRun(Buildah buildah, String name, String entrypoint, RootfsWrites writes, Process launcher, Path log) {
    this.buildah = buildah;
    this.name = name;
    this.entrypoint = entrypoint;
    this.writes = writes;
    this.launcher = launcher;
    this.log = log;
  }

  static ContainerRun start(BuiltImages images, String module, String purpose, Spec spec) {
    Buildah buildah = images.buildah();
    String image = images.image(module);
    String name = images.containerName(purpose);
    Path log = images.work().resolve(purpose + "-container.log");
    buildah.removeQuietly("rm", name);
    buildah.output("from", "--pull=never", "--name", name, image);
    Path rootfs = Path.of(buildah.output("mount", name));
    RootfsWrites writes = RootfsWrites.snapshot(rootfs);

    List<String> entrypoint = new ArrayList<>();
    buildah.imageConfig(image).path("Entrypoint").forEach(word -> entrypoint.add(word.asText()));
    if (entrypoint.isEmpty()) {
      throw new AssertionError(image + " has no ENTRYPOINT");
    }
    List<String> run = new ArrayList<>(List.of("run", "--isolation", "chroot", "--mount", "type=tmpfs,destination=/tmp"));
    spec.readOnlyVolumes().forEach(volume -> run.addAll(List.of("-v", volume)));
    spec.env().forEach((key, value) -> run.addAll(List.of("-e", key + "=" + value)));
    if (spec.user() != null) {
      run.addAll(List.of("--user", spec.user()));
    }
    run.add(name);
    run.add("--");
    run.addAll(entrypoint);
    run.addAll(spec.args());

    List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--",
        "sh", "-c", READ_ONLY_ROOT, "sh", rootfs.toString()));
    command.addAll(buildah.command(run.toArray(String[]::new)));
    try {
      Files.createDirectories(log.getParent());
      Process launcher = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      launcher.getOutputStream().close();
      return new ContainerRun(buildah, name, entrypoint.get(0), writes, launcher, log);
    } catch (IOException e) {
      buildah.removeQuietly("rm", name);
      throw new UncheckedIOException(e);
    }
  }

  /** The container's first process (the entrypoint's program), once it runs. */
  ProcessHandle pid1() {
    return await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
        .failFast(() -> !launcher.isAlive())
        .until(this::findPid1, Optional::isPresent).orElseThrow();
  }

  private Optional<ProcessHandle> findPid1() {
    return launcher.descendants()
        .filter(process -> process.info().command().filter(command -> command.endsWith(entrypoint)).isPresent())
        .filter(process -> process.parent().flatMap(parent -> parent.info().command())
            .filter(command -> command.endsWith(entrypoint)).isEmpty())
        .findFirst();
  }

  /** Waits for {@code condition}; fails at once, quoting the container's output, if it exits first. */
  void awaitWhileRunning(String what, Duration within, Callable<Boolean> condition) {
    try {
      await(what).atMost(within).pollInterval(Duration.ofMillis(250)).failFast(() -> !launcher.isAlive())
          .until(condition);
    } catch (TerminalFailureException e) {
      throw new AssertionError("the container exited with status " + launcher.exitValue() + " before " + what
          + "; " + output(), e);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "; " + output(), e);
    }
  }

  /** SIGTERM to the container's PID 1, as the kubelet sends when it stops a pod. */
  void sigterm() {
    ProcessHandle pid1 = pid1();
    if (!pid1.destroy()) {
      throw new AssertionError("could not signal " + entrypoint + " (pid " + pid1.pid() + ")");
    }
  }

  /** The container's exit status (buildah run passes it on), or a failure quoting its output. */
  int awaitExit(Duration within) {
    try {
      if (!launcher.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " still runs " + within.toSeconds() + " s after SIGTERM; " + Processes.tail(log));
      }
      return launcher.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Whatever the container wrote to its root filesystem (outside /tmp and its mounts). */
  List<String> writesOutsideTmp() {
    return writes.sinceSnapshot();
  }

  /** The container's output so far (stdout and stderr, with buildah's own lines). */
  String output() {
    return Processes.tail(log);
  }

  @Override
  public void close() {
    if (launcher.isAlive()) {
      launcher.descendants().forEach(ProcessHandle::destroyForcibly);
      launcher.destroyForcibly();
      try {
        launcher.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    buildah.removeQuietly("rm", name);
  }
}
