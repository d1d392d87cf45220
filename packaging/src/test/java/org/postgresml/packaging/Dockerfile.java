package org.postgresml.packaging;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The final stage of a Dockerfile, read as far as the contract tests need: what runs, as whom, on
 * which ports, and which directories and files the image has. No Docker daemon is needed.
 */
record Dockerfile(List<String> entrypoint, Set<Integer> exposedPorts, String user, Set<String> paths) {

  private static final Pattern INSTRUCTION = Pattern.compile("^([A-Z]+)\\s+(.*)$", Pattern.DOTALL);
  private static final Pattern ABSOLUTE_PATH = Pattern.compile("(/[A-Za-z0-9._/-]+)");

  static Dockerfile read(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Dockerfile parse(String text) {
    List<String> entrypoint = List.of();
    Set<Integer> ports = new LinkedHashSet<>();
    String user = null;
    Set<String> paths = new LinkedHashSet<>();
    for (String instruction : finalStage(text)) {
      var matcher = INSTRUCTION.matcher(instruction);
      if (!matcher.matches()) {
        continue;
      }
      String argument = matcher.group(2).strip();
      switch (matcher.group(1)) {
        case "ENTRYPOINT" -> entrypoint = execForm(argument);
        case "EXPOSE" -> {
          for (String port : argument.split("\\s+")) {
            ports.add(Integer.parseInt(port.replace("/tcp", "")));
          }
        }
        case "USER" -> user = argument;
        case "RUN" -> createdDirectories(argument, paths);
        case "COPY" -> {
          String[] words = argument.split("\\s+");
          paths.add(words[words.length - 1]);
        }
        default -> { }
      }
    }
    return new Dockerfile(entrypoint, ports, user, paths);
  }

  /** The user as a numeric UID (Kubernetes can only verify runAsNonRoot for a numeric USER). */
  long uid() {
    if (user == null) {
      throw new AssertionError("the image sets no USER");
    }
    return Long.parseLong(user.split(":")[0]);
  }

  /** Instructions after the last FROM, continuation lines joined, comments dropped. */
  private static List<String> finalStage(String text) {
    List<String> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n")) {
      String stripped = line.strip();
      if (stripped.startsWith("#") || stripped.isEmpty() && current.length() == 0) {
        continue;
      }
      if (stripped.endsWith("\\")) {
        current.append(stripped, 0, stripped.length() - 1).append(' ');
        continue;
      }
      current.append(stripped);
      String instruction = current.toString();
      current.setLength(0);
      if (instruction.startsWith("FROM ")) {
        instructions.clear();
      }
      instructions.add(instruction);
    }
    return instructions;
  }

  private static List<String> execForm(String argument) {
    if (!argument.startsWith("[")) {
      throw new AssertionError("ENTRYPOINT must use the exec form (a shell form would not forward signals): " + argument);
    }
    try {
      return new ObjectMapper().readValue(argument, new TypeReference<List<String>>() { });
    } catch (IOException e) {
      throw new AssertionError("ENTRYPOINT is not a JSON array: " + argument, e);
    }
  }

  private static void createdDirectories(String run, Set<String> paths) {
    for (String command : run.split("&&")) {
      String trimmed = command.strip();
      if (trimmed.startsWith("mkdir")) {
        var matcher = ABSOLUTE_PATH.matcher(trimmed);
        while (matcher.find()) {
          paths.add(matcher.group(1));
        }
      }
    }
  }
}
