package org.postgresml.proxy.fleet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Sends SIGINT (what Ctrl-C sends) to processes. Java has no API for it, and spawning {@code kill}
 * per signal costs hundreds of milliseconds on a busy machine, so one shell stays up and uses its
 * built-in {@code kill}: the signal leaves within a millisecond of the call.
 */
final class CtrlC implements AutoCloseable {

  private final Process shell;
  private final Writer commands;
  private final BufferedReader acknowledgements;

  CtrlC() throws IOException {
    shell = new ProcessBuilder("bash", "-c", "while read -r pid; do kill -INT \"$pid\"; echo \"$?\"; done")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    commands = new java.io.OutputStreamWriter(shell.getOutputStream(), StandardCharsets.US_ASCII);
    acknowledgements = new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.US_ASCII));
  }

  /** Interrupts the process; true when the signal was delivered. */
  synchronized boolean interrupt(Process process) throws IOException {
    commands.write(process.pid() + "\n");
    commands.flush();
    return "0".equals(acknowledgements.readLine());
  }

  @Override
  public void close() {
    shell.destroy();
  }
}
