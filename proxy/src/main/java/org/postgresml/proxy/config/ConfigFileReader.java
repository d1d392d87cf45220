package org.postgresml.proxy.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import org.postgresml.proxy.config.model.ConfigFile;

/** Reads the YAML file into its model, refusing unknown keys with the line they are on. */
final class ConfigFileReader {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private ConfigFileReader() {}

  static ConfigFile read(Path path) {
    try {
      ConfigFile file = YAML.readValue(path.toFile(), ConfigFile.class);
      return file == null ? ConfigFile.EMPTY : file;
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException("config file " + path + ": unknown key '" + e.getPropertyName() + "' at line "
          + lineOf(path, e.getPath(), e.getLocation().getLineNr()), e);
    } catch (JsonMappingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new ConfigException("config file " + path + ": invalid value" + where + " ("
          + e.getOriginalMessage().lines().findFirst().orElse("") + ")", e);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + path + " does not exist", e);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + path + ": "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
    }
  }

  /**
   * The line of the key at this path. Records are built once all their keys are read, so Jackson
   * reports an unknown one at the end of its section; reading the file again finds where it stands.
   */
  private static int lineOf(Path path, List<JsonMappingException.Reference> keys, int otherwise) {
    try (JsonParser parser = YAML.getFactory().createParser(path.toFile())) {
      Deque<String> at = new ArrayDeque<>(); // the key of each open object; "" for an array
      String pending = null;
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        switch (token) {
          case FIELD_NAME -> {
            pending = parser.currentName();
            if (matches(at, pending, keys)) {
              return parser.currentTokenLocation().getLineNr();
            }
          }
          case START_OBJECT, START_ARRAY -> {
            at.addLast(pending == null ? "" : pending);
            pending = null;
          }
          case END_OBJECT, END_ARRAY -> at.pollLast();
          default -> pending = null;
        }
      }
    } catch (IOException e) {
      return otherwise;
    }
    return otherwise;
  }

  /** Whether the open keys (less the root's and arrays') plus this one are the path's field names. */
  private static boolean matches(Deque<String> at, String name, List<JsonMappingException.Reference> keys) {
    List<String> wanted = keys.stream().map(JsonMappingException.Reference::getFieldName).filter(Objects::nonNull)
        .toList();
    List<String> found = new java.util.ArrayList<>(at.stream().filter(key -> !key.isEmpty()).toList());
    found.add(name);
    return found.equals(wanted);
  }
}
